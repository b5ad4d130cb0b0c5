/* A plain C library with no knowledge of Trellis, for the ffi node's tests and the example graph:
 * each function takes scalars or arrays of double or int32 and returns a value or a code. */
#include <math.h>
#include <stdint.h>

/* How far the last of n values lies from their mean, in population deviations. 0 on success;
 * 1 when there are fewer than two values; 2 when they are all equal. */
int32_t zscore(const double *x, int32_t n, double *out) {
    if (n < 2) return 1;
    double sum = 0, squares = 0;
    for (int32_t i = 0; i < n; i++) {
        sum += x[i];
        squares += x[i] * x[i];
    }
    double mean = sum / n, variance = squares / n - mean * mean;
    if (variance <= 0) return 2;
    out[0] = (x[n - 1] - mean) / sqrt(variance);
    return 0;
}

/* The lowest and highest of n values. */
void range(const double *x, int32_t n, double *out) {
    out[0] = x[0];
    out[1] = x[0];
    for (int32_t i = 1; i < n; i++) {
        if (x[i] < out[0]) out[0] = x[i];
        if (x[i] > out[1]) out[1] = x[i];
    }
}

/* Weighted sum of n values, with weights given in the graph. */
double weighted(const double *x, const double *weights, int32_t n) {
    double total = 0;
    for (int32_t i = 0; i < n; i++) total += x[i] * weights[i];
    return total;
}

/* How many of the n − 1 steps went up (into an int32 array); the return code is 0. */
int64_t rises(const double *x, int32_t n, int32_t *out) {
    out[0] = 0;
    for (int32_t i = 1; i < n; i++) out[0] += x[i] > x[i - 1];
    return 0;
}

/* The price times a factor, as a float. */
float scaled(float price, float factor) { return price * factor; }

/* Fails (returns the weekday, 1 to 6) on any day but a Thursday, the epoch's weekday. */
int32_t thursdays_only(int64_t time_ns, double close, double *out) {
    int64_t day = time_ns / 86400000000000LL;
    int32_t weekday = (int32_t)(day % 7);
    if (weekday != 0) return weekday;
    out[0] = close;
    return 0;
}
