"""torch.backends.openmp: OpenMP, built into torch's CPU wheels."""


def is_available() -> bool:
    """Return whether PyTorch is built with OpenMP support."""
    return True
