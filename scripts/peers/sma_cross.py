"""SMA-cross (10, 20) in a peer backtester, on the bars Trellis's benchmark reads.

Usage: sma_cross.py PEER BARS_CSV OUT_JSON, PEER one of backtesting, backtrader.

The strategy is the one `trellis-bench sma` runs: when SMA(10) of closes crosses above SMA(20),
close any short and buy 100 shares; when it crosses below, close any long and sell 100 short.
Orders are market orders filled at the next bar's open, commission 0.2% of the traded value,
cash 1,000,000. Writes the fills, netted per bar ({time, quantity, price}, time being the bar's
open label), and the seconds the peer's run took, data loading apart.
"""
import json
import sys
import time

import pandas as pd

FAST, SLOW, SIZE, CASH, COMMISSION = 10, 20, 100, 1_000_000, 0.002


def load(path):
    frame = pd.read_csv(path, index_col=0, parse_dates=True)
    frame.index.name = None
    return frame


def netted(fills):
    """Fills (time, signed quantity, price) netted per bar, in time order."""
    by_time = {}
    for when, quantity, price in fills:
        entry = by_time.setdefault(when, [0.0, price])
        entry[0] += quantity
    return [{"time": when, "quantity": round(q, 9), "price": p} for when, (q, p) in sorted(by_time.items()) if abs(q) > 1e-9]


def run_backtesting(frame):
    from backtesting import Backtest, Strategy
    from backtesting.lib import crossover

    def sma(values, n):
        return pd.Series(values).rolling(n).mean()

    class SmaCross(Strategy):
        def init(self):
            self.fast = self.I(sma, self.data.Close, FAST)
            self.slow = self.I(sma, self.data.Close, SLOW)

        def next(self):
            if crossover(self.fast, self.slow):
                self.position.close()
                self.buy(size=SIZE)
            elif crossover(self.slow, self.fast):
                self.position.close()
                self.sell(size=SIZE)

    backtest = Backtest(frame, SmaCross, cash=CASH, commission=COMMISSION, finalize_trades=False)
    start = time.perf_counter()
    stats = backtest.run()
    seconds = time.perf_counter() - start
    fills = []
    for trade in stats["_trades"].itertuples():
        fills.append((str(trade.EntryTime), float(trade.Size), float(trade.EntryPrice)))
        fills.append((str(trade.ExitTime), -float(trade.Size), float(trade.ExitPrice)))
    # The trade still open at the end is not among the closed ones.
    for trade in stats["_strategy"].trades:
        fills.append((str(trade.entry_time), float(trade.size), float(trade.entry_price)))
    return fills, seconds


def run_backtrader(frame):
    import backtrader as bt

    fills = []

    class SmaCross(bt.Strategy):
        def __init__(self):
            self.cross = bt.ind.CrossOver(bt.ind.SMA(period=FAST), bt.ind.SMA(period=SLOW))

        def next(self):
            if self.cross > 0:
                self.close()
                self.buy(size=SIZE)
            elif self.cross < 0:
                self.close()
                self.sell(size=SIZE)

        def notify_order(self, order):
            if order.status == order.Completed:
                when = bt.num2date(order.executed.dt).strftime("%Y-%m-%d %H:%M:%S")
                fills.append((when, float(order.executed.size), float(order.executed.price)))

    cerebro = bt.Cerebro(stdstats=False)
    cerebro.adddata(bt.feeds.PandasData(dataname=frame, timeframe=bt.TimeFrame.Minutes))
    cerebro.addstrategy(SmaCross)
    cerebro.broker.setcash(CASH)
    cerebro.broker.setcommission(commission=COMMISSION)
    start = time.perf_counter()
    cerebro.run()
    return fills, time.perf_counter() - start


def main():
    peer, path, out = sys.argv[1:4]
    frame = load(path)
    runner = {"backtesting": run_backtesting, "backtrader": run_backtrader}[peer]
    fills, seconds = runner(frame)
    with open(out, "w") as file:
        json.dump({"peer": peer, "bars": len(frame), "seconds": seconds, "fills": netted(fills)}, file)


if __name__ == "__main__":
    main()
