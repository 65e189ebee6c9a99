"""Embedded datasets: the simulated Central Europe demo."""

from emerging.datasets._demo import DemoData, demo

__all__ = ["DemoData", "demo"]
