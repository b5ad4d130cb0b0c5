import CDispatch
import CoreFoundation
import Foundation
import Glibc

/// Files the host writes for people: reports, feature CSVs, kill requests. Only a regular file or
/// a new path is written; a device, a FIFO, a socket, a directory or a symbolic link at the path is
/// refused with a message, so `--html /dev/null` cannot replace `/dev/null` and a link cannot send
/// a page somewhere else.
public enum OutputFile {
    /// Why `path` may not be written, or nil when it is a regular file or does not exist yet.
    public static func problem(with path: String) -> String? {
        var info = Glibc.stat()
        guard lstat(path, &info) == 0 else {
            return errno == ENOENT ? nil : "cannot look at \(path): \(String(cString: strerror(errno)))"
        }
        let kind = info.st_mode & S_IFMT
        guard kind != S_IFREG else { return nil }
        let what =
            switch kind {
            case S_IFLNK: "a symbolic link"
            case S_IFDIR: "a directory"
            case S_IFCHR: "a character device"
            case S_IFBLK: "a block device"
            case S_IFIFO: "a FIFO"
            case S_IFSOCK: "a socket"
            default: "not a regular file"
            }
        return "\(path) is \(what), not a regular file; the host writes only regular files or new paths: give another path"
    }

    /// Writes `data` to `path` atomically (a temporary file next to it, then a rename), after
    /// `problem(with:)` found nothing against it.
    public static func write(_ data: Data, to path: String) throws(OutputFileError) {
        if let problem = problem(with: path) { throw OutputFileError(problem) }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let temporary = directory + "/." + URL(fileURLWithPath: path).lastPathComponent + ".\(getpid()).tmp"
        let descriptor = Glibc.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw OutputFileError("cannot write \(path): \(String(cString: strerror(errno))); check the folder exists and is writable")
        }
        let written = data.withUnsafeBytes { bytes -> Bool in
            var offset = 0
            while offset < bytes.count {
                let count = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { return false }
                offset += count
            }
            return true
        }
        let reason = String(cString: strerror(errno))
        close(descriptor)
        guard written, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw OutputFileError("cannot write \(path): \(written ? String(cString: strerror(errno)) : reason)")
        }
    }

    /// Opens `path` for writing from the start (a new file, or a regular file emptied), for a
    /// file written as a run goes; refuses what `problem(with:)` refuses, without following a link
    /// or waiting on a FIFO.
    public static func open(_ path: String) throws(OutputFileError) -> UnsafeMutablePointer<FILE> {
        if let problem = problem(with: path) { throw OutputFileError(problem) }
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw OutputFileError("cannot write \(path): \(String(cString: strerror(errno))); check that its directory exists")
        }
        var info = Glibc.stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, ftruncate(descriptor, 0) == 0,
            fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK) == 0, let file = fdopen(descriptor, "w")
        else {
            close(descriptor)
            throw OutputFileError(problem(with: path) ?? "cannot write \(path): it is not a regular file")
        }
        return file
    }
}

/// Why a file could not be written, said for people.
public struct OutputFileError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
