"""Paper-ready figures (vector PDF and PNG) built from :mod:`theory` and :mod:`numerics`.

One module per process, named as in the other layers; :mod:`figures.style`
holds the shared matplotlib style and the save helper.
"""
