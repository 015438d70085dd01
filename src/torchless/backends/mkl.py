"""torch.backends.mkl: Intel MKL, built into torch's x86-64 CPU wheels."""


def is_available() -> bool:
    """Return whether PyTorch is built with MKL support."""
    return True
