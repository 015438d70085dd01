"""torch.backends.mps: Apple's Metal backend, neither built nor available."""


def is_available() -> bool:
    """Return a bool indicating if MPS is currently available."""
    return False


def is_built() -> bool:
    """Return whether PyTorch is built with MPS support."""
    return False


def is_macos_or_newer(major: int, minor: int) -> bool:
    """Whether macOS is at least major.minor: unanswerable without the MPS backend."""
    raise RuntimeError("Cannot execute isOnMacOSorNewer() without MPS backend.")


def is_macos13_or_newer(minor: int = 0) -> bool:
    """Whether macOS is at least 13.minor: unanswerable without the MPS backend."""
    raise RuntimeError("Cannot execute isOnMacOSorNewer() without MPS backend.")
