"""Reading the published formats (Eurostat, GISCO, CORDIS, user tables) and the download cache.

The only subpackage that touches files or the network.
"""
