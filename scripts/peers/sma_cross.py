"""SMA-cross (10, 20) in a peer backtester, on the bars Trellis's benchmark reads.

Usage: sma_cross.py PEER BARS_CSV OUT_JSON, PEER one of backtesting, backtrader, nautilus.

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


def run_nautilus(frame):
    """NautilusTrader fills a market order at the book as it stands when the order arrives. Bars do not
    move the book (bar_execution off); a quote at the next bar's open, stamped 1 ns before each bar's
    close (its event time, a minute after its open label), does, so on_bar's orders fill at that open."""
    from decimal import Decimal

    from nautilus_trader.backtest.engine import BacktestEngine, BacktestEngineConfig
    from nautilus_trader.config import LoggingConfig
    from nautilus_trader.indicators.averages import SimpleMovingAverage
    from nautilus_trader.model.currencies import USD
    from nautilus_trader.model.data import BarType, QuoteTick
    from nautilus_trader.model.enums import AccountType, OmsType, OrderSide
    from nautilus_trader.model.identifiers import InstrumentId, Symbol, Venue
    from nautilus_trader.model.instruments import Equity
    from nautilus_trader.model.objects import Money, Price, Quantity
    from nautilus_trader.persistence.wranglers import BarDataWrangler
    from nautilus_trader.trading.strategy import Strategy

    goog = Equity(InstrumentId.from_str("GOOG.XNAS"), Symbol("GOOG"), USD, 2, Price.from_str("0.01"), Quantity.from_int(1),
                  0, 0, maker_fee=Decimal(str(COMMISSION)), taker_fee=Decimal(str(COMMISSION)))
    bar_type = BarType.from_str("GOOG.XNAS-1-MINUTE-LAST-EXTERNAL")
    closes = frame.index + pd.Timedelta(minutes=1)
    bars = BarDataWrangler(bar_type, goog).process(frame.rename(columns=str.lower).set_axis(closes))
    # The last bar has no next open: an order on it stays unfilled in every peer, so it is left out.
    bars.pop()
    # Stamped at the same time as the bar, a quote would come before or after it as added (a stable sort).
    depth = Quantity.from_int(1_000_000)
    quotes = []
    for price, ts in zip(frame["Open"].iloc[1:], closes[:-1].as_unit("ns").asi8 - 1):
        quotes.append(QuoteTick(goog.id, Price(price, 2), Price(price, 2), depth, depth, int(ts), int(ts)))

    fills = []

    class SmaCross(Strategy):
        def __init__(self):
            super().__init__()
            self.fast, self.slow = SimpleMovingAverage(FAST), SimpleMovingAverage(SLOW)
            self.previous = None  # (fast, slow) on the bar before

        def on_start(self):
            self.register_indicator_for_bars(bar_type, self.fast)
            self.register_indicator_for_bars(bar_type, self.slow)
            self.subscribe_bars(bar_type)

        def on_bar(self, bar):
            if not self.slow.initialized:
                return
            fast, slow = self.fast.value, self.slow.value
            previous, self.previous = self.previous, (fast, slow)
            if previous is not None and previous[0] < previous[1] and fast > slow:
                target = SIZE
            elif previous is not None and previous[0] > previous[1] and fast < slow:
                target = -SIZE
            else:
                return
            # One order from the position held to the target: a close and an open, netted.
            change = target - int(self.portfolio.net_position(goog.id))
            if change:
                side = OrderSide.BUY if change > 0 else OrderSide.SELL
                self.submit_order(self.order_factory.market(goog.id, side, Quantity.from_int(abs(change))))

        def on_order_filled(self, event):
            sign = 1 if event.order_side == OrderSide.BUY else -1
            fills.append((event.ts_event, sign * event.last_qty.as_double(), event.last_px.as_double()))

    engine = BacktestEngine(BacktestEngineConfig(logging=LoggingConfig(bypass_logging=True)))
    engine.add_venue(Venue("XNAS"), OmsType.NETTING, AccountType.MARGIN, [Money(CASH, USD)], base_currency=USD,
                     default_leverage=Decimal(1), bar_execution=False)
    engine.add_instrument(goog)
    engine.add_data(bars)
    engine.add_data(quotes)
    engine.add_strategy(SmaCross())
    start = time.perf_counter()
    engine.run()
    seconds = time.perf_counter() - start
    engine.dispose()
    # A fill's event time is the close of the bar that ordered it: the open label of the bar it filled in.
    labels = pd.to_datetime([when for when, _, _ in fills], utc=True).strftime("%Y-%m-%d %H:%M:%S")
    return [(label, quantity, price) for label, (_, quantity, price) in zip(labels, fills)], seconds


def main():
    peer, path, out = sys.argv[1:4]
    frame = load(path)
    runner = {"backtesting": run_backtesting, "backtrader": run_backtrader, "nautilus": run_nautilus}[peer]
    fills, seconds = runner(frame)
    with open(out, "w") as file:
        json.dump({"peer": peer, "bars": len(frame), "seconds": seconds, "fills": netted(fills)}, file)


if __name__ == "__main__":
    main()
