"""Every op, one family per module.  Importing a module defines its ops and installs the
matching Tensor methods and operators on Tensor (at the bottom of each module)."""
