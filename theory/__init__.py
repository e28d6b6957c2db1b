"""Symbolic and exact theory of model collapse.

One module per process: :mod:`theory.gaussian` (Gaussian refitting) and
:mod:`theory.discrete` (categorical resampling = neutral Wright-Fisher).
Functions take numbers and return floats, or take sympy symbols and return
sympy expressions.  This package imports nothing else of the toolkit.
"""
