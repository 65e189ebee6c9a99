"""Embedded datasets: the simulated Central Europe demo."""

from emerging.datasets.demo import DemoData, demo

__all__ = ["DemoData", "demo"]
