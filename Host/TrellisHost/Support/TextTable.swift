/// Left-aligned columns for terminal output; numbers can be right-aligned.
public struct TextTable {
    let columns: [String]
    var rightAligned: Set<Int> = []
    var indent = 0
    private var rows: [[String]] = []

    public init(columns: [String], rightAligned: Set<Int> = [], indent: Int = 0) {
        self.columns = columns
        self.rightAligned = rightAligned
        self.indent = indent
    }

    public var isEmpty: Bool { rows.isEmpty }

    public mutating func add(_ row: [String]) { rows.append(row) }

    public var text: String {
        let all = [columns] + rows
        let widths = columns.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        let margin = String(repeating: " ", count: indent)
        return all.map { row in
            let cells = row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column) ? pad + cell : (column == row.count - 1 ? cell : cell + pad)
            }
            var line = margin + cells.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }
}
