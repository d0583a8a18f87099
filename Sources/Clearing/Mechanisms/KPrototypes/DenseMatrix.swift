import GridClearSystem

/// A dense row-major matrix of `Double`, the shape BLAS consumes directly.
///
/// Guarantees: `values.count == rows * cols` always; element (r, c) is `values[r * cols + c]`.
public struct DenseMatrix: Sendable, Equatable {
    public let rows: Int
    public let cols: Int
    public var values: [Double]

    public init(rows: Int, cols: Int, repeating v: Double = 0) {
        precondition(rows >= 0 && cols >= 0, "matrix dimensions must be non-negative")
        self.rows = rows; self.cols = cols
        self.values = Array(repeating: v, count: rows * cols)
    }

    /// A matrix whose every element `fill` writes exactly once (no zeroing pass first).
    /// `fill` must initialise all `rows * cols` elements.
    public init(rows: Int, cols: Int, fill: (UnsafeMutableBufferPointer<Double>) -> Void) {
        precondition(rows >= 0 && cols >= 0, "matrix dimensions must be non-negative")
        self.rows = rows; self.cols = cols
        self.values = Array(unsafeUninitializedCapacity: rows * cols) { buf, count in
            // Page-fault cost of a huge fresh buffer (a hint; see `Memory`).
            Memory.adviseHugePages(UnsafeMutableRawBufferPointer(buf))
            fill(buf)
            count = rows * cols
        }
    }

    /// Builds a matrix from rows of equal length.
    public init(rows data: [[Double]], cols: Int) {
        precondition(data.allSatisfy { $0.count == cols }, "every row must have \(cols) columns")
        self.rows = data.count; self.cols = cols
        self.values = data.flatMap { $0 }
    }

    public subscript(r: Int, c: Int) -> Double {
        get { values[r * cols + c] }
        set { values[r * cols + c] = newValue }
    }

    /// Row `r` as an array (copy).
    public func row(_ r: Int) -> [Double] { Array(values[(r * cols)..<((r + 1) * cols)]) }
}
