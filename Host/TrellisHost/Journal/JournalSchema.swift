import GRDB

/// The journal's tables. Migrations only add: a journal written by an older Trellis opens in a newer.
enum JournalSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE runs (
                      id TEXT PRIMARY KEY, started_at INTEGER NOT NULL, mode TEXT NOT NULL, host_version TEXT NOT NULL,
                      graph_file TEXT NOT NULL, graph_sha256 TEXT NOT NULL, graph_text TEXT NOT NULL, description TEXT,
                      fingerprint TEXT NOT NULL, starting_cash REAL NOT NULL, final_cash REAL NOT NULL, final_equity REAL NOT NULL, currency TEXT NOT NULL,
                      events INTEGER NOT NULL, first_time INTEGER NOT NULL, last_time INTEGER NOT NULL,
                      order_updates INTEGER NOT NULL, fills INTEGER NOT NULL, loop_seconds REAL NOT NULL, equity_steps INTEGER NOT NULL,
                      metrics TEXT NOT NULL, warnings TEXT NOT NULL, last_prices TEXT NOT NULL);
                    CREATE TABLE run_nodes (
                      run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, position INTEGER NOT NULL, name TEXT NOT NULL,
                      type TEXT NOT NULL, plugin TEXT NOT NULL, version TEXT NOT NULL, parameters TEXT NOT NULL,
                      events INTEGER NOT NULL, failures INTEGER NOT NULL, warmup_bars INTEGER, PRIMARY KEY (run_id, position));
                    CREATE TABLE run_plugins (
                      run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, plugin TEXT NOT NULL, version TEXT NOT NULL,
                      path TEXT NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY (run_id, plugin));
                    CREATE TABLE run_feeds (
                      run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, position INTEGER NOT NULL, name TEXT NOT NULL,
                      symbol TEXT NOT NULL, files TEXT NOT NULL, sha256 TEXT NOT NULL, events INTEGER NOT NULL, PRIMARY KEY (run_id, position));
                    CREATE TABLE positions (
                      run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, seq INTEGER NOT NULL, node TEXT, symbol TEXT NOT NULL,
                      quantity REAL NOT NULL, average_price REAL NOT NULL, last_price REAL NOT NULL, realized_profit REAL NOT NULL,
                      unrealized_profit REAL NOT NULL, commission REAL NOT NULL, PRIMARY KEY (run_id, seq));
                    CREATE TABLE trades (
                      run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, seq INTEGER NOT NULL, node TEXT NOT NULL,
                      symbol TEXT NOT NULL, quantity REAL NOT NULL, entry_time INTEGER NOT NULL, entry_price REAL NOT NULL,
                      entry_bar INTEGER NOT NULL, entry_step INTEGER NOT NULL, exit_time INTEGER, exit_price REAL, exit_bar INTEGER,
                      exit_step INTEGER, commission REAL NOT NULL, PRIMARY KEY (run_id, seq));
                    CREATE TABLE equity (
                      run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, step INTEGER NOT NULL, time INTEGER NOT NULL,
                      open_time INTEGER NOT NULL, equity REAL NOT NULL, PRIMARY KEY (run_id, step)) WITHOUT ROWID;
                    CREATE TABLE prices (
                      run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, position INTEGER NOT NULL, symbol TEXT NOT NULL,
                      seq INTEGER NOT NULL, time INTEGER NOT NULL, price REAL NOT NULL, PRIMARY KEY (run_id, position, seq)) WITHOUT ROWID;
                    CREATE TABLE order_events (
                      run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, seq INTEGER NOT NULL, time INTEGER NOT NULL,
                      kind TEXT NOT NULL, node TEXT NOT NULL, order_id INTEGER NOT NULL, symbol TEXT NOT NULL, side INTEGER NOT NULL,
                      status INTEGER NOT NULL, quantity REAL NOT NULL, price REAL NOT NULL, commission REAL NOT NULL,
                      reason_code INTEGER NOT NULL, reason TEXT NOT NULL, reporter TEXT, PRIMARY KEY (run_id, seq));
                    """)
        }
        migrator.registerMigration("v2: labels") { db in
            try db.execute(
                sql: """
                    CREATE TABLE labels (
                      run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, seq INTEGER NOT NULL, node TEXT NOT NULL,
                      time INTEGER NOT NULL, label TEXT NOT NULL, PRIMARY KEY (run_id, seq)) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v3: shadow") { db in
            try db.execute(
                sql: """
                    CREATE TABLE shadow_sides (
                      run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, challenger INTEGER NOT NULL, side TEXT NOT NULL,
                      name TEXT NOT NULL, replaces TEXT NOT NULL, nodes TEXT NOT NULL, use TEXT NOT NULL, parameters TEXT NOT NULL,
                      final_equity REAL NOT NULL, metrics TEXT NOT NULL, PRIMARY KEY (run_id, challenger, side)) WITHOUT ROWID;
                    CREATE TABLE shadow_equity (
                      run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, challenger INTEGER NOT NULL, side TEXT NOT NULL,
                      step INTEGER NOT NULL, open_time INTEGER NOT NULL, equity REAL NOT NULL, PRIMARY KEY (run_id, challenger, side, step)) WITHOUT ROWID;
                    CREATE TABLE shadow_trades (
                      run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, challenger INTEGER NOT NULL, side TEXT NOT NULL,
                      seq INTEGER NOT NULL, trade TEXT NOT NULL, PRIMARY KEY (run_id, challenger, side, seq)) WITHOUT ROWID;
                    CREATE TABLE shadow_verdicts (
                      run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, seq INTEGER NOT NULL, time INTEGER NOT NULL,
                      tester TEXT NOT NULL, challenger TEXT NOT NULL, verdict TEXT NOT NULL, judged_by TEXT NOT NULL,
                      champion_count INTEGER NOT NULL, challenger_count INTEGER NOT NULL, champion_mean REAL NOT NULL,
                      challenger_mean REAL NOT NULL, difference REAL NOT NULL, effect_size REAL NOT NULL, p_value REAL NOT NULL,
                      naive_p_value REAL, interval_low REAL, interval_high REAL, PRIMARY KEY (run_id, seq)) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v4: live inputs") { db in
            // Written while a paper or live run goes on, before its `runs` row exists: no foreign
            // key. Runs now record them in a file of their own (InputLog), in this same table.
            try db.execute(sql: InputLog.tableSQL)
        }
        migrator.registerMigration("v5: live summary") { db in
            try db.execute(sql: "ALTER TABLE runs ADD COLUMN live TEXT")
        }
        migrator.registerMigration("v6: write-ahead orders") { db in
            // Written while a paper or live run goes on (OrderJournal), before its `runs` row exists.
            try db.execute(
                sql: """
                    CREATE TABLE live_runs (
                      run_id TEXT PRIMARY KEY, started_at INTEGER NOT NULL, mode TEXT NOT NULL, graph_file TEXT NOT NULL,
                      graph_sha256 TEXT NOT NULL, resumed_from TEXT, state TEXT NOT NULL, halt TEXT, ended_at INTEGER,
                      accepted_at INTEGER, process INTEGER NOT NULL, restored TEXT) WITHOUT ROWID;
                    CREATE TABLE orders (
                      client_id INTEGER PRIMARY KEY, run_id TEXT NOT NULL, node TEXT NOT NULL, order_id INTEGER NOT NULL, broker TEXT,
                      symbol TEXT NOT NULL, side INTEGER NOT NULL, type INTEGER NOT NULL, time_in_force INTEGER NOT NULL, size_mode INTEGER NOT NULL,
                      flags INTEGER NOT NULL, quantity REAL NOT NULL, limit_price REAL NOT NULL, stop_price REAL NOT NULL, created_at INTEGER NOT NULL,
                      status INTEGER NOT NULL, filled REAL NOT NULL, leaves REAL NOT NULL, average_price REAL NOT NULL,
                      venue_order_id TEXT NOT NULL, updated_at INTEGER NOT NULL);
                    CREATE INDEX orders_by_status ON orders(status);
                    CREATE TABLE order_updates (
                      run_id TEXT NOT NULL, seq INTEGER NOT NULL, client_id INTEGER NOT NULL, time INTEGER NOT NULL, status INTEGER NOT NULL,
                      filled REAL NOT NULL, leaves REAL NOT NULL, average_price REAL NOT NULL, reason_code INTEGER NOT NULL,
                      venue_code INTEGER NOT NULL, reason TEXT NOT NULL, venue_order_id TEXT NOT NULL, recovered INTEGER NOT NULL,
                      PRIMARY KEY (run_id, seq)) WITHOUT ROWID;
                    CREATE TABLE fills (
                      run_id TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, client_id INTEGER NOT NULL, trade_id TEXT NOT NULL,
                      time INTEGER NOT NULL, node TEXT NOT NULL, symbol TEXT NOT NULL, side INTEGER NOT NULL, quantity REAL NOT NULL,
                      price REAL NOT NULL, commission REAL NOT NULL, recovered INTEGER NOT NULL, PRIMARY KEY (run_id, seq)) WITHOUT ROWID;
                    CREATE UNIQUE INDEX fills_by_trade ON fills(client_id, trade_id) WHERE trade_id <> '';
                    CREATE TABLE reconcile_differences (
                      run_id TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, symbol TEXT NOT NULL, client_id INTEGER,
                      host REAL, venue REAL, price REAL, detail TEXT NOT NULL, PRIMARY KEY (run_id, seq)) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v7: order events and trades clustered by run") { db in
            // Keyed by (run_id, seq) in the table itself rather than a second index holding the
            // key again: a third fewer bytes to write for a backtest with many order events.
            for (table, columns) in [
                (
                    "order_events",
                    """
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, seq INTEGER NOT NULL, time INTEGER NOT NULL,
                    kind TEXT NOT NULL, node TEXT NOT NULL, order_id INTEGER NOT NULL, symbol TEXT NOT NULL, side INTEGER NOT NULL,
                    status INTEGER NOT NULL, quantity REAL NOT NULL, price REAL NOT NULL, commission REAL NOT NULL,
                    reason_code INTEGER NOT NULL, reason TEXT NOT NULL, reporter TEXT, PRIMARY KEY (run_id, seq)
                    """
                ),
                (
                    "trades",
                    """
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, seq INTEGER NOT NULL, node TEXT NOT NULL,
                    symbol TEXT NOT NULL, quantity REAL NOT NULL, entry_time INTEGER NOT NULL, entry_price REAL NOT NULL,
                    entry_bar INTEGER NOT NULL, entry_step INTEGER NOT NULL, exit_time INTEGER, exit_price REAL, exit_bar INTEGER,
                    exit_step INTEGER, commission REAL NOT NULL, PRIMARY KEY (run_id, seq)
                    """
                ),
            ] {
                try db.execute(
                    sql: """
                        CREATE TABLE \(table)_clustered (\(columns)) WITHOUT ROWID;
                        INSERT INTO \(table)_clustered SELECT * FROM \(table);
                        DROP TABLE \(table);
                        ALTER TABLE \(table)_clustered RENAME TO \(table);
                        """)
            }
        }
        migrator.registerMigration("v8: order events packed") { db in
            // A backtest's order events, packed (OrderEventChunk): a row per event cost more
            // than the run. Runs stored before keep theirs in `order_events`.
            try db.execute(
                sql: """
                    CREATE TABLE order_event_chunks (
                      run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, chunk INTEGER NOT NULL, first_seq INTEGER NOT NULL,
                      events INTEGER NOT NULL, format INTEGER NOT NULL, strings TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (run_id, chunk));
                    """)
        }
        return migrator
    }
}
