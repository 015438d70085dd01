"""torch.Size: a tuple subclass with torch's repr."""
from __future__ import annotations


class Size(tuple):
    """The shape of a tensor: a tuple of ints printed as torch.Size([...])."""

    __slots__ = ()

    def __new__(cls, sizes=()):
        return tuple.__new__(cls, (int(s) for s in sizes)) if not isinstance(sizes, tuple) or type(sizes) is not tuple else tuple.__new__(cls, sizes)

    def __repr__(self):
        return "torch.Size([" + ", ".join(str(s) for s in self) + "])"

    __str__ = __repr__

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, key):
        r = tuple.__getitem__(self, key)
        return Size(r) if isinstance(key, slice) else r

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    def __mul__(self, n):
        return Size(tuple.__mul__(self, n))

    __rmul__ = __mul__

    def __reduce__(self):
        return (Size, (tuple(self),))


def broadcast_shapes(*shapes):
    """torch.broadcast_shapes: the shape the given shapes broadcast to."""
    shapes = [(s,) if isinstance(s, int) else tuple(s) for s in shapes]
    n = max((len(s) for s in shapes), default=0)
    res = [1] * n
    for i, s in enumerate(shapes):
        for j in range(-1, -len(s) - 1, -1):
            if s[j] == 1 or s[j] == res[j]:
                continue
            if res[j] != 1:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {s[j]} at {j}! Mismatching "
                    f"argument at index {i} had {tuple(s)}; but expected shape should be "
                    f"broadcastable to [{', '.join(map(str, res))}]")
            res[j] = s[j]
    return Size(res)


def infer_size(*shapes):
    """The broadcast of operand shapes, or the RuntimeError torch's ops raise, naming the
    first mismatch from the last dimension ("The size of tensor a ... tensor b ...")."""
    out = ()
    for s in shapes:
        s = (s,) if isinstance(s, int) else tuple(s)
        n = max(len(out), len(s))
        a = (1,) * (n - len(out)) + out
        b = (1,) * (n - len(s)) + s
        res = list(a)
        for i in range(n - 1, -1, -1):
            if a[i] != b[i] and a[i] != 1 and b[i] != 1:
                raise RuntimeError(
                    f"The size of tensor a ({a[i]}) must match the size of tensor b ({b[i]}) "
                    f"at non-singleton dimension {i}")
            if a[i] == 1:
                res[i] = b[i]
        out = tuple(res)
    return Size(out)
