"""theory.approximation gathers theory.truncation, theory.mixture and theory.expressivity under one name."""

from theory import approximation as ta
from theory import expressivity, mixture, truncation


def test_every_public_name_is_re_exported_as_the_same_object():
    for module in (truncation, mixture, expressivity):
        for name in module.__all__:
            assert getattr(ta, name) is getattr(module, name), name
    assert set(ta.__all__) == set(truncation.__all__) | set(mixture.__all__) | set(expressivity.__all__)


def test_compatibility_helpers_stay_importable():
    assert ta.check_mixture is mixture.check_mixture and ta.unpack_mixture is mixture.unpack_mixture
    assert ta.mixture_moments(((1.0,), (0.0,), (2.0,))) == (0.0, 2.0)
