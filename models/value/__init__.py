"""Customer value: BG/NBD repeat purchases and Gamma-Gamma spend, fitted by maximum likelihood."""
