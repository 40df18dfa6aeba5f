"""Sales leads: how well the warehouse's lead cleaning found the customers and repeats behind them."""
