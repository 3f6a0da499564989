// A binary encoding of analysis results, for moving them between processes (MPI ranks: the tasks a
// rank ran travel to rank 0 as bytes). Exact: doubles are copied bit for bit, so a decoded Waveforms
// equals the encoded one in every field. Not a file format: both ends are the same build.
#pragma once

#include "analysis/results.hpp"

#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

namespace spinspice {

class ByteWriter {
public:
    void u64(std::uint64_t v);
    void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
    void f64(double v);
    void str(std::string_view s);
    void doubles(const std::vector<double>& v);
    void strings(const std::vector<std::string>& v);
    const std::string& bytes() const { return bytes_; }
    std::string take() { return std::move(bytes_); }

private:
    std::string bytes_;
};

// Reads what ByteWriter wrote; throws std::runtime_error on truncated or malformed input.
class ByteReader {
public:
    explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}
    std::uint64_t u64();
    std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
    double f64();
    std::string str();
    std::vector<double> doubles();
    std::vector<std::string> strings();
    std::size_t count(); // a length prefix, checked against the bytes left
    bool done() const { return pos_ == bytes_.size(); }

private:
    void need(std::size_t n) const;
    std::string_view bytes_;
    std::size_t pos_ = 0;
};

void encodeWaveforms(ByteWriter& out, const Waveforms& w);
Waveforms decodeWaveforms(ByteReader& in);

// An error thrown by a task (InputError, SimulationError, anything else), so that the receiving
// process can rethrow it with its location, line and hint. A null pointer encodes "no error".
void encodeError(ByteWriter& out, const std::exception_ptr& error);
std::exception_ptr decodeError(ByteReader& in);

} // namespace spinspice
