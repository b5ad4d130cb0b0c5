"""Compares Trellis's SMA-cross run with the peers' on the same bars, and prints the speeds.

Usage: compare.py TRELLIS_JSON START END PEER_JSON...   (START, END: the trellis process's wall clock)

TRELLIS_JSON is `trellis run --json` output; each PEER_JSON is what sma_cross.py wrote. Fills are
netted per bar and must agree exactly (time, quantity, price). Exits 1 when any peer disagrees.
"""
import datetime
import json
import sys


def trellis_fills(run):
    by_time = {}
    for event in run["orders"]:
        if event["kind"] != "fill":
            continue
        when = datetime.datetime.fromtimestamp(event["time"] / 1e9, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        entry = by_time.setdefault(when, [0.0, event["price"]])
        entry[0] += event["side"] * event["quantity"]
    return [{"time": w, "quantity": round(q, 9), "price": p} for w, (q, p) in sorted(by_time.items()) if abs(q) > 1e-9]


def main():
    run = json.load(open(sys.argv[1]))
    wall = float(sys.argv[3]) - float(sys.argv[2])
    bars = run["events"]
    ours = trellis_fills(run)
    loop_rate = bars / run["loopSeconds"]
    wall_rate = bars / wall
    print(f"SMA-cross (10, 20), 100 shares, commission 0.2%, next-bar-open fills, on {bars:,} tiled GOOG minute bars")
    print(f"{'peer':<16}{'bars/s':>14}{'fills':>9}  {'same fills':<12}{'Trellis replay':>16}{'Trellis process':>17}")
    print(f"{'trellis':<16}{loop_rate:>14,.0f}{len(ours):>9}  {'—':<12}{'replay only':>16}{f'{wall_rate:,.0f} whole':>17}")
    agree = True
    results = {"bars": bars, "trellis": {"replay_bars_per_second": loop_rate, "process_bars_per_second": wall_rate, "fills": len(ours)}, "peers": {}}
    for path in sys.argv[4:]:
        peer = json.load(open(path))
        theirs = peer["fills"]
        first = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b), None)
        same = first is None and len(ours) == len(theirs)
        agree = agree and same
        rate = peer["bars"] / peer["seconds"]
        verdict = "yes" if same else "NO"
        print(f"{peer['peer']:<16}{rate:>14,.0f}{len(theirs):>9}  {verdict:<12}{loop_rate / rate:>15,.0f}×{wall_rate / rate:>16,.0f}×")
        if not same:
            where = first if first is not None else min(len(ours), len(theirs))
            print(f"  first difference at fill {where}: trellis {ours[where] if where < len(ours) else None}, "
                  f"{peer['peer']} {theirs[where] if where < len(theirs) else None}")
        results["peers"][peer["peer"]] = {"bars_per_second": rate, "fills": len(theirs), "same_fills": same}
    print("(the ratios: Trellis's bars per second over the peer's, for the replay alone and for the whole trellis process with CSV loading)")
    json.dump(results, open(sys.argv[1].replace(".json", "-comparison.json"), "w"), indent=2)
    sys.exit(0 if agree else 1)


if __name__ == "__main__":
    main()
