#include "analysis/result_codec.hpp"

#include "core/diagnostics.hpp"

#include <cstring>
#include <stdexcept>

namespace spinspice {

void ByteWriter::u64(std::uint64_t v) {
    char b[8];
    std::memcpy(b, &v, 8);
    bytes_.append(b, 8);
}

void ByteWriter::f64(double v) {
    std::uint64_t bits;
    std::memcpy(&bits, &v, 8);
    u64(bits);
}

void ByteWriter::str(std::string_view s) {
    u64(s.size());
    bytes_.append(s);
}

void ByteWriter::doubles(const std::vector<double>& v) {
    u64(v.size());
    if (!v.empty()) bytes_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(double));
}

void ByteWriter::strings(const std::vector<std::string>& v) {
    u64(v.size());
    for (const auto& s : v) str(s);
}

void ByteReader::need(std::size_t n) const {
    if (n > bytes_.size() - pos_) throw std::runtime_error("result decoding: truncated data");
}

std::uint64_t ByteReader::u64() {
    need(8);
    std::uint64_t v;
    std::memcpy(&v, bytes_.data() + pos_, 8);
    pos_ += 8;
    return v;
}

double ByteReader::f64() {
    const std::uint64_t bits = u64();
    double v;
    std::memcpy(&v, &bits, 8);
    return v;
}

std::size_t ByteReader::count() {
    const std::uint64_t n = u64();
    need(static_cast<std::size_t>(std::min<std::uint64_t>(n, bytes_.size()))); // every element takes >= 1 byte
    return static_cast<std::size_t>(n);
}

std::string ByteReader::str() {
    const std::size_t n = count();
    std::string s(bytes_.substr(pos_, n));
    pos_ += n;
    return s;
}

std::vector<double> ByteReader::doubles() {
    const std::size_t n = count();
    need(n * sizeof(double));
    std::vector<double> v(n);
    if (n > 0) std::memcpy(v.data(), bytes_.data() + pos_, n * sizeof(double)); // (v.data() is null when n = 0)
    pos_ += n * sizeof(double);
    return v;
}

std::vector<std::string> ByteReader::strings() {
    std::vector<std::string> v(count());
    for (auto& s : v) s = str();
    return v;
}

namespace {

void encodeStats(ByteWriter& out, const AnalysisStats& s) {
    for (long v :
         {s.accepted, s.rejected, s.iterations, s.factorizations, s.refactorizations, s.solves, s.linearIterations})
        out.i64(v);
    for (double v : {s.timeEval, s.timeFactor, s.timeSolve, s.timeTotal}) out.f64(v);
}

AnalysisStats decodeStats(ByteReader& in) {
    AnalysisStats s;
    for (long* v : {&s.accepted, &s.rejected, &s.iterations, &s.factorizations, &s.refactorizations, &s.solves,
                    &s.linearIterations})
        *v = static_cast<long>(in.i64());
    for (double* v : {&s.timeEval, &s.timeFactor, &s.timeSolve, &s.timeTotal}) *v = in.f64();
    return s;
}

void encodeSpectrum(ByteWriter& out, const SpectrumResult& s) {
    out.str(s.signal);
    out.doubles(s.frequency);
    out.doubles(s.psd);
    for (double v : {s.peakFrequency, s.peakPsd, s.linewidth, s.resolution, s.binWidth, s.start, s.stop}) out.f64(v);
    out.str(s.error);
}

SpectrumResult decodeSpectrum(ByteReader& in) {
    SpectrumResult s;
    s.signal = in.str();
    s.frequency = in.doubles();
    s.psd = in.doubles();
    for (double* v : {&s.peakFrequency, &s.peakPsd, &s.linewidth, &s.resolution, &s.binWidth, &s.start, &s.stop})
        *v = in.f64();
    s.error = in.str();
    return s;
}

void encodeFourier(ByteWriter& out, const FourierResult& f) {
    out.str(f.signal);
    for (double v : {f.fundamental, f.dc, f.thd}) out.f64(v);
    out.i64(f.gridSize);
    out.i64(f.degree);
    out.u64(f.harmonics.size());
    for (const auto& h : f.harmonics) {
        out.i64(h.index);
        for (double v : {h.frequency, h.magnitude, h.phase, h.normMagnitude, h.normPhase}) out.f64(v);
    }
    out.str(f.error);
}

FourierResult decodeFourier(ByteReader& in) {
    FourierResult f;
    f.signal = in.str();
    for (double* v : {&f.fundamental, &f.dc, &f.thd}) *v = in.f64();
    f.gridSize = static_cast<int>(in.i64());
    f.degree = static_cast<int>(in.i64());
    f.harmonics.resize(in.count());
    for (auto& h : f.harmonics) {
        h.index = static_cast<int>(in.i64());
        for (double* v : {&h.frequency, &h.magnitude, &h.phase, &h.normMagnitude, &h.normPhase}) *v = in.f64();
    }
    f.error = in.str();
    return f;
}

} // namespace

void encodeWaveforms(ByteWriter& out, const Waveforms& w) {
    out.str(w.name);
    out.str(w.type);
    out.str(w.sweep);
    out.u64(w.complex ? 1 : 0);
    out.strings(w.names);
    out.u64(w.re.size());
    for (const auto& v : w.re) out.doubles(v);
    out.u64(w.im.size());
    for (const auto& v : w.im) out.doubles(v);
    encodeStats(out, w.stats);
    out.str(w.error);
    out.u64(w.step.size());
    for (const auto& [name, value] : w.step) {
        out.str(name);
        out.f64(value);
    }
    out.u64(w.measurements.size());
    for (const auto& m : w.measurements) {
        out.str(m.name);
        out.f64(m.value);
        out.str(m.error);
    }
    out.u64(w.spectra.size());
    for (const auto& s : w.spectra) encodeSpectrum(out, s);
    out.u64(w.fourier.size());
    for (const auto& f : w.fourier) encodeFourier(out, f);
    out.strings(w.warnings);
    out.u64(w.interrupted ? 1 : 0);
}

Waveforms decodeWaveforms(ByteReader& in) {
    Waveforms w;
    w.name = in.str();
    w.type = in.str();
    w.sweep = in.str();
    w.complex = in.u64() != 0;
    w.names = in.strings();
    w.re.resize(in.count());
    for (auto& v : w.re) v = in.doubles();
    w.im.resize(in.count());
    for (auto& v : w.im) v = in.doubles();
    w.stats = decodeStats(in);
    w.error = in.str();
    w.step.resize(in.count());
    for (auto& [name, value] : w.step) {
        name = in.str();
        value = in.f64();
    }
    w.measurements.resize(in.count());
    for (auto& m : w.measurements) {
        m.name = in.str();
        m.value = in.f64();
        m.error = in.str();
    }
    w.spectra.resize(in.count());
    for (auto& s : w.spectra) s = decodeSpectrum(in);
    w.fourier.resize(in.count());
    for (auto& f : w.fourier) f = decodeFourier(in);
    w.warnings = in.strings();
    w.interrupted = in.u64() != 0;
    return w;
}

namespace {
enum class ErrorKind : std::uint64_t { None, Input, Simulation, Interrupted, Other };
}

void encodeError(ByteWriter& out, const std::exception_ptr& error) {
    if (!error) {
        out.u64(static_cast<std::uint64_t>(ErrorKind::None));
        return;
    }
    auto location = [&](const SourceLoc& loc) {
        out.str(loc.file);
        out.i64(loc.line);
        out.i64(loc.col);
    };
    try {
        std::rethrow_exception(error);
    } catch (const InputError& e) {
        out.u64(static_cast<std::uint64_t>(ErrorKind::Input));
        out.str(e.message());
        location(e.loc());
        out.str(e.lineText());
        out.str(e.hint());
    } catch (const SimulationError& e) {
        const bool interrupted = dynamic_cast<const Interrupted*>(&e) != nullptr;
        out.u64(static_cast<std::uint64_t>(interrupted ? ErrorKind::Interrupted : ErrorKind::Simulation));
        out.str(e.what());
        location(e.loc());
    } catch (const std::exception& e) {
        out.u64(static_cast<std::uint64_t>(ErrorKind::Other));
        out.str(e.what());
    } catch (...) {
        out.u64(static_cast<std::uint64_t>(ErrorKind::Other));
        out.str("unknown error");
    }
}

std::exception_ptr decodeError(ByteReader& in) {
    const auto kind = static_cast<ErrorKind>(in.u64());
    if (kind == ErrorKind::None) return nullptr;
    const std::string message = in.str();
    if (kind == ErrorKind::Other) return std::make_exception_ptr(std::runtime_error(message));
    SourceLoc loc;
    loc.file = in.str();
    loc.line = static_cast<int>(in.i64());
    loc.col = static_cast<int>(in.i64());
    if (kind == ErrorKind::Simulation) return std::make_exception_ptr(SimulationError(message, loc));
    if (kind == ErrorKind::Interrupted) return std::make_exception_ptr(Interrupted(message, loc));
    if (kind != ErrorKind::Input) throw std::runtime_error("result decoding: unknown error kind");
    std::string lineText = in.str();
    std::string hint = in.str();
    return std::make_exception_ptr(InputError(message, loc, std::move(lineText), std::move(hint)));
}

} // namespace spinspice
