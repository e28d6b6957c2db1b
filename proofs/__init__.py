"""Machine-checked derivations of the theorems of :mod:`theory`."""
