"""Benchmarks of the site (`make bench`) and the synthetic archive they and the tests load."""
