/// The report's style sheet, inlined into the page.
enum HTMLReportStyle {
    static let css = """
        :root { --ink: #111827; --muted: #6b7280; --line: #e5e7eb; --panel: #ffffff; --page: #f4f5f7;
          --blue: #2563eb; --up: #15803d; --down: #dc2626; --amber: #b45309; }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--page); color: var(--ink);
          font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        main { max-width: 1180px; margin: 0 auto; padding: 28px 24px 40px; }
        header { margin-bottom: 18px; }
        .eyebrow { color: var(--blue); font-weight: 600; font-size: 12px; letter-spacing: .08em; text-transform: uppercase; }
        h1 { margin: 2px 0 4px; font-size: 26px; }
        h2 { margin: 0 0 2px; font-size: 15px; }
        .description { margin: 0 0 4px; font-size: 15px; }
        .meta, .note, footer { color: var(--muted); font-size: 12.5px; margin: 0 0 8px; }
        code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: #374151; word-break: break-all; }
        .cards { display: grid; grid-template-columns: repeat(6, 1fr); gap: 12px; margin-bottom: 16px; }
        .card, .panel { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; }
        .card { padding: 12px 14px; }
        .card .label { color: var(--muted); font-size: 12px; }
        .card .value { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; margin: 2px 0; }
        .card .detail { color: var(--muted); font-size: 12px; min-height: 1.2em; }
        .up { color: var(--up); } .down { color: var(--down); }
        .panel { padding: 14px 16px; margin-bottom: 16px; }
        .warning { background: #fffbeb; border: 1px solid #fcd34d; color: var(--amber); border-radius: 8px; padding: 8px 12px; }
        svg { width: 100%; height: auto; display: block; font-size: 11.5px; }
        svg .grid { stroke: var(--line); } svg .tick { stroke: #f0f1f3; }
        svg .axis { fill: var(--muted); font-variant-numeric: tabular-nums; }
        svg .equity { fill: none; stroke: var(--blue); stroke-width: 1.6; stroke-linejoin: round; }
        svg .equity-area { fill: rgba(37, 99, 235, .08); }
        svg .cash { stroke: #9ca3af; stroke-dasharray: 5 4; }
        svg .dd-span { fill: rgba(220, 38, 38, .07); }
        svg .regime { opacity: .8; }
        .legend { margin: 4px 0 0 76px; font-size: 13px; color: var(--muted); }
        .legend .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin: 0 4px 0 12px; vertical-align: -1px; }
        svg .dd-line { fill: none; stroke: var(--down); stroke-width: 1.2; }
        svg .dd-area { fill: rgba(220, 38, 38, .16); }
        svg .dd-label { fill: var(--down); font-weight: 600; }
        svg .entry { stroke: #fff; stroke-width: .8; } svg .entry.long { fill: var(--blue); } svg .entry.short { fill: #9333ea; }
        svg .price { fill: none; stroke: #4b5563; stroke-width: 1.1; stroke-linejoin: round; }
        svg .link { stroke-width: 1.4; stroke-dasharray: 3 2; } svg .link.win { stroke: var(--up); } svg .link.loss { stroke: var(--down); }
        svg .exit { stroke: #fff; stroke-width: 1; } svg .win { fill: var(--up); } svg .loss { fill: var(--down); }
        svg .peak { fill: #fff; stroke: var(--blue); stroke-width: 2; } svg .final { fill: var(--blue); }
        svg .zero { stroke: #9ca3af; }
        .stats { display: grid; grid-template-columns: repeat(3, 1fr); gap: 12px; }
        table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
        .kv th { text-align: left; font-weight: 400; color: var(--muted); padding: 4px 8px 4px 0; white-space: nowrap; vertical-align: top; }
        .kv td { text-align: right; padding: 4px 0; border-bottom: 1px solid #f3f4f6; }
        .kv.wide td { text-align: left; }
        .scroll { max-height: 560px; overflow: auto; }
        .list th { position: sticky; top: 0; background: #f9fafb; text-align: left; font-weight: 600; font-size: 12px; color: #374151; padding: 6px 8px; border-bottom: 1px solid var(--line); }
        .list td { padding: 4px 8px; border-bottom: 1px solid #f3f4f6; white-space: nowrap; }
        .list tbody tr:hover { background: #f9fafb; }
        .n { text-align: right !important; }
        details { margin-top: 10px; } summary { cursor: pointer; color: var(--muted); }
        pre { background: #f9fafb; border: 1px solid var(--line); border-radius: 8px; padding: 10px; overflow: auto; font-size: 12px; }
        @media (max-width: 900px) { .cards { grid-template-columns: repeat(3, 1fr); } .stats { grid-template-columns: 1fr; } }
        """
}
