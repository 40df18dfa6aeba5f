"""Erasure (PIPL art. 47) and access (art. 45) across every layer: docs/privacy.md."""
