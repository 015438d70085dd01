"""nn modules."""
from .module import Module
