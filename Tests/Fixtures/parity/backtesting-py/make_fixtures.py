"""Produces the backtesting.py 0.6.6 parity fixtures for Trellis (Tests/TrellisTests/ParityTests.swift).

Run from the repository root, in a throwaway virtual environment:

    python3 -m venv /tmp/bt && /tmp/bt/bin/pip install backtesting==0.6.6
    /tmp/bt/bin/python Tests/Fixtures/parity/backtesting-py/make_fixtures.py

It writes, next to this script:
- sma_values.json: pandas' rolling means of GOOG closes (10 and 20), bit for bit (float hex);
- goog_sma_long_only.json: SMA(10, 20) long only, all equity per entry, 0.2% commission, cash 10,000,
  finalize_trades=True (a trade still open at the end is closed at the last bar's open);
- goog_sma_reversing.json: long on an up-cross, short on a down-cross, each new order closing the
  previous position at the same open; the last trade left open.
Each file records the versions and the data's SHA-256 it came from.
"""
import hashlib
import json
import pathlib
import platform
import sys

import backtesting
import numpy as np
import pandas as pd
from backtesting import Backtest, Strategy
from backtesting.lib import crossover

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE.parents[3] / "data" / "GOOG.csv"


def SMA(values, n):
    # The SMA of backtesting.py's own test suite (backtesting/test/__init__.py).
    return pd.Series(values).rolling(n).mean()


class LongOnly(Strategy):
    fast, slow = 10, 20

    def init(self):
        self.sma1 = self.I(SMA, self.data.Close, self.fast)
        self.sma2 = self.I(SMA, self.data.Close, self.slow)

    def next(self):
        if crossover(self.sma1, self.sma2):
            self.buy()
        elif crossover(self.sma2, self.sma1):
            self.position.close()


class Reversing(LongOnly):
    def next(self):
        if crossover(self.sma1, self.sma2):
            self.position.close()
            self.buy()
        elif crossover(self.sma2, self.sma1):
            self.position.close()
            self.sell()


def trade_record(t, index):
    return {
        "size": int(t.size),
        "entry_bar": int(t.entry_bar),
        "exit_bar": None if t.exit_bar is None else int(t.exit_bar),
        "entry_price": float(t.entry_price),
        "exit_price": None if t.exit_price is None else float(t.exit_price),
        "entry_time": str(index[t.entry_bar].date()),
        "exit_time": None if t.exit_bar is None else str(index[t.exit_bar].date()),
        "pnl": float(t.pl),
        "commission": float(t._commissions),
        "return_pct": float(t.pl_pct),
    }


def number(value):
    if isinstance(value, pd.Timedelta):
        return value.total_seconds() / 86400  # days
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else float(value)


def run(strategy, finalize):
    data = pd.read_csv(DATA, index_col=0, parse_dates=True)
    bt = Backtest(data, strategy, cash=10_000, commission=0.002, finalize_trades=finalize)
    stats = bt.run()
    broker = stats._strategy._broker
    keys = ["Exposure Time [%]", "Equity Final [$]", "Equity Peak [$]", "Commissions [$]", "Return [%]",
            "Return (Ann.) [%]", "Volatility (Ann.) [%]", "CAGR [%]", "Sharpe Ratio", "Sortino Ratio",
            "Calmar Ratio", "Max. Drawdown [%]", "Avg. Drawdown [%]", "Max. Drawdown Duration",
            "Avg. Drawdown Duration", "# Trades", "Win Rate [%]", "Best Trade [%]", "Worst Trade [%]",
            "Avg. Trade [%]", "Profit Factor", "Expectancy [%]", "SQN"]
    return {
        "trades": [trade_record(t, data.index) for t in broker.closed_trades],
        "open_trades": [trade_record(t, data.index) for t in broker.trades],
        "equity": [float(x) for x in stats._equity_curve["Equity"]],
        "stats": {key: number(stats[key]) for key in keys},
    }


def provenance():
    return {
        "tool": f"backtesting {backtesting.__version__}",
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "script": "Tests/Fixtures/parity/backtesting-py/make_fixtures.py",
        "data": "data/GOOG.csv",
        "data_sha256": hashlib.sha256(DATA.read_bytes()).hexdigest(),
    }


def write(name, body):
    body = {"provenance": provenance(), **body}
    (HERE / name).write_text(json.dumps(body, indent=1) + "\n")
    print("wrote", name)


def main():
    closes = pd.read_csv(DATA, index_col=0)["Close"].values
    write("sma_values.json", {
        "what": "pandas Series.rolling(n).mean() of GOOG closes, as float.hex (NaN while warming up)",
        "sma10": [float(v).hex() for v in SMA(closes, 10)],
        "sma20": [float(v).hex() for v in SMA(closes, 20)],
    })
    write("goog_sma_long_only.json", {
        "what": "SMA(10, 20) long only: buy all equity on an up-cross, close on a down-cross; commission 0.2%; "
                "cash 10,000; finalize_trades=True",
        **run(LongOnly, finalize=True),
    })
    write("goog_sma_reversing.json", {
        "what": "SMA(10, 20) reversing: on an up-cross close and buy, on a down-cross close and sell; "
                "commission 0.2%; cash 10,000; the last trade left open",
        **run(Reversing, finalize=False),
    })


if __name__ == "__main__":
    sys.exit(main())
