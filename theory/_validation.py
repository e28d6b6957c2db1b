"""Deprecated private alias of :mod:`theory.validation` (kept only while the theory modules move over)."""

from theory.validation import *  # noqa: F401,F403
from theory.validation import _vector_items as _vector_items  # noqa: F401
from theory.validation import short_repr as _short  # noqa: F401
