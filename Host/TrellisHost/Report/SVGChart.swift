import Foundation

/// One SVG chart with a time axis: the frame, grid and labels, and the marks drawn into it.
struct SVGChart {
    static let width = 1080.0
    let height: Double
    let start: Int64, end: Int64
    let low: Double, high: Double
    let left = 76.0, right = 20.0, top = 14.0, bottom = 26.0
    private(set) var body = ""

    init(height: Double, start: Int64, end: Int64, low: Double, high: Double) {
        self.height = height
        (self.start, self.end) = (start, end)
        (self.low, self.high) = (low, high == low ? low + 1 : high)
    }

    var plotWidth: Double { Self.width - left - right }
    func x(_ time: Int64) -> Double { left + (end == start ? 0.5 : (Double(time) - Double(start)) / (Double(end) - Double(start))) * plotWidth }
    func y(_ value: Double) -> Double { top + (high - value) / (high - low) * (height - top - bottom) }

    mutating func add(_ element: String) { body += element + "\n" }

    /// Horizontal grid lines with labels on the left, and time ticks along the bottom.
    mutating func addGrid(valueTicks: [Double], label: (Double) -> String) {
        for tick in valueTicks {
            add(#"<line class="grid" x1="\#(px(left))" x2="\#(px(Self.width - right))" y1="\#(px(y(tick)))" y2="\#(px(y(tick)))"/>"#)
            add(#"<text class="axis" x="\#(px(left - 8))" y="\#(px(y(tick) + 4))" text-anchor="end">\#(HTML.escape(label(tick)))</text>"#)
        }
        for tick in ChartAxes.timeTicks(from: start, to: end) {
            add(#"<line class="tick" x1="\#(px(x(tick.time)))" x2="\#(px(x(tick.time)))" y1="\#(px(top))" y2="\#(px(height - bottom))"/>"#)
            add(#"<text class="axis" x="\#(px(x(tick.time)))" y="\#(px(height - 8))" text-anchor="middle">\#(tick.label)</text>"#)
        }
    }

    /// A polyline through the points (downsampled to the chart's width), and optionally the
    /// area between it and `baseline`.
    mutating func addSeries(times: [Int64], values: [Double], lineClass: String, areaClass: String? = nil, baseline: Double? = nil) {
        let kept = Downsample.keepingShape(values, spans: Int(plotWidth))
        guard let first = kept.first, let last = kept.last else { return }
        let points = kept.map { "\(px(x(times[$0]))),\(px(y(values[$0])))" }.joined(separator: " ")
        if let areaClass, let baseline {
            let base = px(y(baseline))
            add(#"<polygon class="\#(areaClass)" points="\#(px(x(times[first]))),\#(base) \#(points) \#(px(x(times[last]))),\#(base)"/>"#)
        }
        add(#"<polyline class="\#(lineClass)" points="\#(points)"/>"#)
    }

    var svg: String {
        #"<svg viewBox="0 0 \#(px(Self.width)) \#(px(height))" role="img">"# + "\n" + body + "</svg>"
    }
}

/// An SVG coordinate or length, in pixels with one decimal.
func px(_ value: Double) -> String { String(format: "%.1f", value) }
