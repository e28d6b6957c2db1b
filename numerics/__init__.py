"""Monte Carlo simulation of model collapse and its checks against :mod:`theory`.

One module per process, with the names of :mod:`theory`: :mod:`numerics.gaussian`,
:mod:`numerics.discrete`.  :mod:`numerics.checks` holds the z-test machinery
shared by ``collapse verify``.
"""
