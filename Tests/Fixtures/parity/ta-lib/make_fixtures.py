"""Produces the TA-Lib parity fixtures for Trellis' streaming indicator library.

Run from anywhere, in a throwaway virtual environment (never the system Python):

    python3 -m venv /tmp/talibvenv
    /tmp/talibvenv/bin/pip install TA-Lib==0.8.2 numpy==2.4.6 pandas==3.1.1
    /tmp/talibvenv/bin/python Tests/Fixtures/parity/ta-lib/make_fixtures.py

It writes indicators.json next to this script:

    {"provenance": "...", "versions": {...}, "data": {...sha256...},
     "GOOG_times": [...], "EURUSD_times": [...],
     "series": {NAME: {"data", "call", "peer", "lookback", "values"}, ...}}

Every "values" array has one entry per input bar; the warm-up is written as null and
"lookback" is the number of leading nulls. A series never has a null after its first
value (asserted below). The Swift tests compare from the first valid bar, within 1e-9
relative, and expect the same warm-up length.

TA-Lib is called with its default unstable periods (set_unstable_period is never called).
The "pandas/numpy reference" series are computed here, window by window, straight from
their formulas (no running sums), so they carry no accumulated rounding error.
"""
import hashlib
import json
import math
import platform
from pathlib import Path

import numpy as np
import pandas as pd
import talib
from numpy.lib.stride_tricks import sliding_window_view

HERE = Path(__file__).resolve().parent
ROOT = Path(__file__).resolve().parents[4]  # Tests/Fixtures/parity/ta-lib/make_fixtures.py
OUT = HERE / "indicators.json"
SCRIPT = Path(__file__).resolve().relative_to(ROOT).as_posix()


# --- data ------------------------------------------------------------------------------

def load(name):
    """One CSV of data/ (header ",Open,High,Low,Close,Volume", dates in the first column)."""
    path = ROOT / "data" / f"{name}.csv"
    frame = pd.read_csv(path, index_col=0, parse_dates=True)
    # The timestamps exactly as written in the file, for aligning bars in the tests.
    raw_times = pd.read_csv(path, usecols=[0], dtype=str).iloc[:, 0].tolist()
    assert len(raw_times) == len(frame)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return frame, raw_times, sha


goog, goog_times, goog_sha = load("GOOG")
eurusd, eurusd_times, eurusd_sha = load("EURUSD")

# The arrays every "call" below refers to (GOOG), all float64.
open_ = goog["Open"].to_numpy(dtype=np.float64)
high = goog["High"].to_numpy(dtype=np.float64)
low = goog["Low"].to_numpy(dtype=np.float64)
close = goog["Close"].to_numpy(dtype=np.float64)
volume = goog["Volume"].to_numpy(dtype=np.float64)
N = len(close)


# --- pandas/numpy references -----------------------------------------------------------

def windows(x, n):
    """Array of the n-bar windows ending at bars n-1 .. len(x)-1, one per row."""
    return sliding_window_view(x, n)


def pad(values, lookback):
    """Prefix `lookback` NaNs so that the result has one entry per bar."""
    return np.concatenate([np.full(lookback, np.nan), values])


def vwap(high, low, close, volume, n):
    # VWAP_n = sum over the last n bars of ((h + l + c) / 3) * v, divided by sum of v.
    typical = (high + low + close) / 3.0
    return pad(windows(typical * volume, n).sum(axis=1) / windows(volume, n).sum(axis=1), n - 1)


def cmf(high, low, close, volume, n):
    # Chaikin money flow: m = ((c - l) - (h - c)) / (h - l), m = 0 where h == l;
    # CMF_n = sum over the last n bars of m * v, divided by sum of v.
    rng = high - low
    safe = np.where(rng == 0, 1.0, rng)
    m = np.where(rng == 0, 0.0, ((close - low) - (high - close)) / safe)
    return pad(windows(m * volume, n).sum(axis=1) / windows(volume, n).sum(axis=1), n - 1)


def zscore(close, n):
    # (c[t] - mean of the last n closes) / their standard deviation (ddof=0).
    w = windows(close, n)
    return pad((close[n - 1:] - w.mean(axis=1)) / w.std(axis=1, ddof=0), n - 1)


def efficiency_ratio(close, n):
    # Kaufman: |c[t] - c[t-n]| / sum over i = t-n+1 .. t of |c[i] - c[i-1]|; 0 where the
    # denominator is 0. First valid at bar n.
    change = np.abs(close[n:] - close[:-n])
    noise = windows(np.abs(np.diff(close)), n).sum(axis=1)
    safe = np.where(noise == 0, 1.0, noise)
    return pad(np.where(noise == 0, 0.0, change / safe), n)


def hurst(close, n, min_lag, max_lag):
    # On x = ln(close), for each full window w = x[t-n+1 .. t]: s(lag) = std(w[lag:] - w[:-lag])
    # (ddof=0) for lag = min_lag .. max_lag; H = slope of the least-squares line through
    # (ln lag, ln s(lag)), i.e. np.polyfit(ln lags, ln s, 1)[0]. First valid at bar n-1.
    x = np.log(close)
    lags = np.arange(min_lag, max_lag + 1)
    out = []
    for w in windows(x, n):
        s = np.array([np.std(w[lag:] - w[:-lag]) for lag in lags])
        out.append(np.polyfit(np.log(lags), np.log(s), 1)[0])
    return pad(np.array(out), n - 1)


def realised_volatility(close, n):
    # sqrt(sum of the last n squared log returns ln(c[i] / c[i-1])). First valid at bar n.
    r = np.log(close[1:] / close[:-1])
    return pad(np.sqrt(windows(r * r, n).sum(axis=1)), n)


def log_return(close, n):
    # ln(c[t] / c[t-n]). First valid at bar n.
    return pad(np.log(close[n:] / close[:-n]), n)


def seconds_since_midnight(index):
    # The timestamps carry no zone; they are taken as UTC.
    return (index.hour * 3600 + index.minute * 60 + index.second).to_numpy(dtype=np.float64)


def day_of_week(index):
    return index.day_of_week.to_numpy(dtype=np.float64)  # Monday = 0 .. Sunday = 6


# --- the series ------------------------------------------------------------------------
# (name, data set, peer, expression). Each expression is evaluated as written, so "call"
# in the JSON is exactly what produced the values. A reference's "call" also states its
# formula after "  # ".

TALIB = "TA-Lib"
REF = "pandas/numpy reference"

SPECS = [
    ("SMA_20", "GOOG", TALIB, "talib.SMA(close, timeperiod=20)"),
    ("SMA_5", "GOOG", TALIB, "talib.SMA(close, timeperiod=5)"),
    ("EMA_20", "GOOG", TALIB, "talib.EMA(close, timeperiod=20)"),
    ("EMA_5", "GOOG", TALIB, "talib.EMA(close, timeperiod=5)"),
    ("EMA_50", "GOOG", TALIB, "talib.EMA(close, timeperiod=50)"),
    ("WMA_20", "GOOG", TALIB, "talib.WMA(close, timeperiod=20)"),
    ("RSI_14", "GOOG", TALIB, "talib.RSI(close, timeperiod=14)"),
    ("RSI_2", "GOOG", TALIB, "talib.RSI(close, timeperiod=2)"),
    ("MACD_12_26_9_macd", "GOOG", TALIB,
     "talib.MACD(close, fastperiod=12, slowperiod=26, signalperiod=9)[0]"),
    ("MACD_12_26_9_signal", "GOOG", TALIB,
     "talib.MACD(close, fastperiod=12, slowperiod=26, signalperiod=9)[1]"),
    ("MACD_12_26_9_hist", "GOOG", TALIB,
     "talib.MACD(close, fastperiod=12, slowperiod=26, signalperiod=9)[2]"),
    ("BBANDS_20_2_upper", "GOOG", TALIB,
     "talib.BBANDS(close, timeperiod=20, nbdevup=2, nbdevdn=2, matype=0)[0]"),
    ("BBANDS_20_2_middle", "GOOG", TALIB,
     "talib.BBANDS(close, timeperiod=20, nbdevup=2, nbdevdn=2, matype=0)[1]"),
    ("BBANDS_20_2_lower", "GOOG", TALIB,
     "talib.BBANDS(close, timeperiod=20, nbdevup=2, nbdevdn=2, matype=0)[2]"),
    ("TRANGE", "GOOG", TALIB, "talib.TRANGE(high, low, close)"),
    ("ATR_14", "GOOG", TALIB, "talib.ATR(high, low, close, timeperiod=14)"),
    ("ADX_14", "GOOG", TALIB, "talib.ADX(high, low, close, timeperiod=14)"),
    ("PLUS_DI_14", "GOOG", TALIB, "talib.PLUS_DI(high, low, close, timeperiod=14)"),
    ("MINUS_DI_14", "GOOG", TALIB, "talib.MINUS_DI(high, low, close, timeperiod=14)"),
    ("STOCH_14_3_3_k", "GOOG", TALIB,
     "talib.STOCH(high, low, close, fastk_period=14, slowk_period=3, slowk_matype=0, "
     "slowd_period=3, slowd_matype=0)[0]"),
    ("STOCH_14_3_3_d", "GOOG", TALIB,
     "talib.STOCH(high, low, close, fastk_period=14, slowk_period=3, slowk_matype=0, "
     "slowd_period=3, slowd_matype=0)[1]"),
    ("WILLR_14", "GOOG", TALIB, "talib.WILLR(high, low, close, timeperiod=14)"),
    ("ROC_10", "GOOG", TALIB, "talib.ROC(close, timeperiod=10)"),
    ("CCI_20", "GOOG", TALIB, "talib.CCI(high, low, close, timeperiod=20)"),
    ("OBV", "GOOG", TALIB, "talib.OBV(close, volume)"),
    ("AROON_14_down", "GOOG", TALIB, "talib.AROON(high, low, timeperiod=14)[0]"),
    ("AROON_14_up", "GOOG", TALIB, "talib.AROON(high, low, timeperiod=14)[1]"),
    ("AROONOSC_14", "GOOG", TALIB, "talib.AROONOSC(high, low, timeperiod=14)"),
    ("STDDEV_20", "GOOG", TALIB, "talib.STDDEV(close, timeperiod=20, nbdev=1)"),
    ("MAX_HIGH_20", "GOOG", TALIB, "talib.MAX(high, timeperiod=20)"),
    ("MIN_LOW_20", "GOOG", TALIB, "talib.MIN(low, timeperiod=20)"),
    ("MIDPRICE_20", "GOOG", TALIB, "talib.MIDPRICE(high, low, timeperiod=20)"),

    ("VWAP_20", "GOOG", REF,
     "vwap(high, low, close, volume, 20)"
     "  # rolling20 sum((high + low + close) / 3 * volume) / rolling20 sum(volume)"),
    ("CMF_20", "GOOG", REF,
     "cmf(high, low, close, volume, 20)"
     "  # m = ((close - low) - (high - close)) / (high - low), 0 where high == low;"
     " rolling20 sum(m * volume) / rolling20 sum(volume)"),
    ("KELTNER_20_10_2_upper", "GOOG", "TA-Lib EMA and ATR",
     "talib.EMA(close, timeperiod=20) + 2 * talib.ATR(high, low, close, timeperiod=10)"),
    ("KELTNER_20_10_2_middle", "GOOG", "TA-Lib EMA and ATR",
     "talib.EMA(close, timeperiod=20)"),
    ("KELTNER_20_10_2_lower", "GOOG", "TA-Lib EMA and ATR",
     "talib.EMA(close, timeperiod=20) - 2 * talib.ATR(high, low, close, timeperiod=10)"),
    ("ZSCORE_20", "GOOG", REF,
     "zscore(close, 20)  # (close - rolling20 mean(close)) / rolling20 std(close, ddof=0)"),
    ("ER_10", "GOOG", REF,
     "efficiency_ratio(close, 10)  # abs(c[t] - c[t-10]) / sum_{i=t-9..t} abs(c[i] - c[i-1]),"
     " 0 where the denominator is 0"),
    ("HURST_100_2_20", "GOOG", REF,
     "hurst(close, 100, 2, 20)  # w = ln(close)[t-99..t]; s(lag) = np.std(w[lag:] - w[:-lag])"
     " for lag in 2..20; H = np.polyfit(np.log(lags), np.log(s), 1)[0]"),
    ("RV_20", "GOOG", REF,
     "realised_volatility(close, 20)  # sqrt(sum_{i=t-19..t} ln(c[i] / c[i-1])**2)"),
    ("LOGRET_1", "GOOG", REF, "log_return(close, 1)  # ln(c[t] / c[t-1])"),
    ("LOGRET_5", "GOOG", REF, "log_return(close, 5)  # ln(c[t] / c[t-5])"),

    # EURUSD (hourly): calendar encodings of the first column, s = seconds since midnight
    # (UTC), d = day of week (Monday = 0). Aligned with "EURUSD_times".
    ("TOD_sin", "EURUSD", REF,
     "np.sin(2 * np.pi * seconds_since_midnight(eurusd.index) / 86400)"),
    ("TOD_cos", "EURUSD", REF,
     "np.cos(2 * np.pi * seconds_since_midnight(eurusd.index) / 86400)"),
    ("DOW_sin", "EURUSD", REF, "np.sin(2 * np.pi * day_of_week(eurusd.index) / 7)"),
    ("DOW_cos", "EURUSD", REF, "np.cos(2 * np.pi * day_of_week(eurusd.index) / 7)"),
]

BARS = {"GOOG": N, "EURUSD": len(eurusd)}


def to_json_values(values, bars, name):
    """NaN -> None; checks the length and that NaN appears only as a leading warm-up."""
    values = np.asarray(values, dtype=np.float64)
    assert values.shape == (bars,), (name, values.shape, bars)
    assert not np.isinf(values).any(), f"{name}: infinite values"
    nan = np.isnan(values)
    lookback = int(np.argmin(nan)) if not nan.all() else bars
    assert lookback < bars, f"{name}: no valid value"
    late = np.flatnonzero(nan[lookback:]) + lookback
    assert late.size == 0, f"{name}: NaN after the warm-up at bars {late[:10].tolist()}"
    return lookback, [None if v else float(x) for x, v in zip(values.tolist(), nan)]


def main():
    series = {}
    for name, data, peer, call in SPECS:
        expression = call.split("  # ")[0]
        values = eval(expression)  # noqa: S307 - our own table, above
        lookback, out = to_json_values(values, BARS[data], name)
        series[name] = {"data": data, "call": call, "peer": peer,
                        "lookback": lookback, "values": out}

    ta_version = talib.__ta_version__
    if isinstance(ta_version, bytes):
        ta_version = ta_version.decode()
    versions = {
        "python": platform.python_version(),
        "ta-lib C library": ta_version,
        "TA-Lib python": talib.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
    }
    header = {
        "provenance": (
            f"Written by {SCRIPT}. Rerun from the repository root with: "
            f"python3 -m venv /tmp/talibvenv && /tmp/talibvenv/bin/pip install "
            f"TA-Lib=={talib.__version__} numpy=={np.__version__} pandas=={pd.__version__} "
            f"&& /tmp/talibvenv/bin/python {SCRIPT}. "
            f"Versions: Python {versions['python']}, TA-Lib C library {ta_version}, "
            f"TA-Lib python {talib.__version__}, numpy {np.__version__}, pandas {pd.__version__}. "
            "TA-Lib default unstable periods. Warm-up bars are null; 'lookback' counts them."
        ),
        "versions": versions,
        "data": {"GOOG": {"path": "data/GOOG.csv", "bars": N, "sha256": goog_sha},
                 "EURUSD": {"path": "data/EURUSD.csv", "bars": len(eurusd),
                            "sha256": eurusd_sha}},
    }

    # One JSON object, laid out by hand so that each series sits on its own line; every
    # piece goes through json.dumps with allow_nan=False (floats as repr, which round-trips).
    def dumps(obj):
        return json.dumps(obj, allow_nan=False, separators=(",", ":"))

    lines = ["{"]
    lines += [f"{dumps(k)}:{dumps(v)}," for k, v in header.items()]
    lines.append(f'"GOOG_times":{dumps(goog_times)},')
    lines.append(f'"EURUSD_times":{dumps(eurusd_times)},')
    lines.append('"series":{')
    lines.append(",\n".join(f"{dumps(k)}:{dumps(v)}" for k, v in series.items()))
    lines.append("}}")
    text = "\n".join(lines) + "\n"

    # The hand layout must parse back to exactly the document we meant.
    document = dict(header, GOOG_times=goog_times, EURUSD_times=eurusd_times, series=series)
    assert json.loads(text) == document
    OUT.write_text(text)

    print(f"wrote {OUT.relative_to(ROOT)} ({len(text.encode()):,} bytes)")
    for name, s in series.items():
        print(f"  {name:24s} {s['data']:7s} lookback {s['lookback']}")


if __name__ == "__main__":
    main()
