"""torchless.vision: the torchvision subset (``import torchvision`` resolves here under
``torchless run``).  Datasets and transforms are added as they are written."""
