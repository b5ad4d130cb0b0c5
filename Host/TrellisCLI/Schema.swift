import ArgumentParser
import TrellisHost

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prints the JSON Schema of the graph format, for editors.",
        discussion: "The same file is in the repository at Host/TrellisHost/Graph/graph.schema.json.")

    func run() {
        print(GraphSchema.text, terminator: "")
    }
}
