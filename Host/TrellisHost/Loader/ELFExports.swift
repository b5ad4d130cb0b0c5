import Foundation

/// The C symbols a shared library exports, read from its ELF dynamic symbol table. A plugin should
/// export only its entry: any other exported function can be bound to another library's symbol of
/// the same name (a plugin's own `send` to libc's), silently.
enum ELFExports {
    /// Names a linker or Swift adds to every library; not the author's doing.
    static let ignored: Set<String> = ["__bss_start", "_edata", "_end", "_init", "_fini"]

    /// Defined, global or weak functions and objects in the `.dynsym` of the ELF64 little-endian
    /// file at `path`, Swift's mangled names (`$s…`) and linker symbols left out. Nil when the
    /// file cannot be read as such.
    static func names(inFile path: String) -> [String]? {
        MappedFile.read(path) { names(in: $0) } ?? nil
    }

    static func names(in file: UnsafeRawBufferPointer) -> [String]? {
        func read<T: FixedWidthInteger>(_ offset: Int, as _: T.Type) -> T? {
            guard offset >= 0, offset + MemoryLayout<T>.size <= file.count else { return nil }
            return T(littleEndian: file.loadUnaligned(fromByteOffset: offset, as: T.self))
        }
        guard file.count > 64, file[0] == 0x7f, file[1] == 0x45, file[2] == 0x4c, file[3] == 0x46,
            file[4] == 2, file[5] == 1,  // ELFCLASS64, little-endian
            let sectionTable = read(0x28, as: UInt64.self), let sectionSize = read(0x3a, as: UInt16.self),
            let sectionCount = read(0x3c, as: UInt16.self)
        else { return nil }
        // Every offset and size is checked against the file before it is used: a malformed
        // library is "not readable as such", never a trap.
        let fileSize = UInt64(file.count)
        func section(_ index: Int) -> (type: UInt32, offset: Int, size: Int, link: Int, entrySize: Int)? {
            guard sectionTable <= fileSize else { return nil }
            let base = Int(sectionTable) + index * Int(sectionSize)
            guard let type = read(base + 4, as: UInt32.self), let offset = read(base + 24, as: UInt64.self),
                let size = read(base + 32, as: UInt64.self), let link = read(base + 40, as: UInt32.self),
                let entrySize = read(base + 56, as: UInt64.self), offset <= fileSize, size <= fileSize, entrySize <= fileSize
            else { return nil }
            return (type, Int(offset), Int(size), Int(link), Int(entrySize))
        }
        let dynamicSymbols: UInt32 = 11
        guard let symbols = (0..<Int(sectionCount)).lazy.compactMap(section).first(where: { $0.type == dynamicSymbols }),
            symbols.entrySize >= 24, let strings = section(symbols.link)
        else { return nil }
        var names: [String] = []
        for index in 1..<max(1, symbols.size / symbols.entrySize) {
            let entry = symbols.offset + index * symbols.entrySize
            guard let nameOffset = read(entry, as: UInt32.self), let info = read(entry + 4, as: UInt8.self),
                let sectionIndex = read(entry + 6, as: UInt16.self)
            else { break }
            let binding = info >> 4, kind = info & 0x0f
            guard sectionIndex != 0, binding == 1 || binding == 2, kind == 1 || kind == 2 else { continue }
            let start = strings.offset + Int(nameOffset)
            guard start < file.count, let end = file[start...].firstIndex(of: 0) else { continue }
            let name = String(decoding: file[start..<end], as: UTF8.self)
            if !name.hasPrefix("$s"), !ignored.contains(name) { names.append(name) }
        }
        return names.sorted()
    }
}
