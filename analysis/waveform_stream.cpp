#include "analysis/waveform_stream.hpp"

#include "analysis/csv_writer.hpp"

#include <charconv>
#include <cstdio>
#include <stdexcept>

namespace spinspice {

CsvWaveformStream::CsvWaveformStream(std::string path) : path_(std::move(path)) {}

CsvWaveformStream::~CsvWaveformStream() {
    if (out_.is_open()) out_.close();
}

std::string CsvWaveformStream::fileName(const std::string& analysis, int repeat) const {
    return csvAnalysisPath(path_, analysis, repeat);
}

void CsvWaveformStream::begin(const std::string& analysis, const std::vector<std::string>& names) {
    end();
    const int seen = repeats_[analysis]++;
    if (seen == 1) { // a repeated name (.step): its first file gets ".step1" as well
        for (std::size_t k = 0; k < analyses_.size(); ++k)
            if (analyses_[k].first == analysis && analyses_[k].second == 0) {
                const std::string renamed = fileName(analysis, 1);
                if (std::rename(files_[k].c_str(), renamed.c_str()) != 0)
                    throw std::runtime_error("cannot rename " + files_[k] + " to " + renamed);
                files_[k] = renamed;
                analyses_[k].second = 1;
            }
    }
    if (files_.size() == 1 && files_.front() == path_) { // a second transient: the first gets its name
        const std::string renamed = fileName(analyses_.front().first, analyses_.front().second);
        if (std::rename(path_.c_str(), renamed.c_str()) != 0)
            throw std::runtime_error("cannot rename " + path_ + " to " + renamed);
        files_.front() = renamed;
    }
    const int repeat = seen > 0 ? seen + 1 : 0;
    const std::string file = files_.empty() ? path_ : fileName(analysis, repeat);
    out_.open(file, std::ios::trunc);
    if (!out_) throw std::runtime_error("cannot write " + file);
    files_.push_back(file);
    analyses_.emplace_back(analysis, repeat);
    line_.clear();
    for (std::size_t k = 0; k < names.size(); ++k) {
        if (k > 0) line_ += ',';
        if (names[k].find_first_of(",\"") == std::string::npos) {
            line_ += names[k];
            continue;
        }
        line_ += '"'; // RFC 4180, as writeCsv
        for (char c : names[k]) line_ += c == '"' ? std::string("\"\"") : std::string(1, c);
        line_ += '"';
    }
    out_ << line_ << '\n';
}

void CsvWaveformStream::row(const std::vector<double>& values) {
    line_.clear();
    char buf[32];
    for (std::size_t k = 0; k < values.size(); ++k) {
        if (k > 0) line_ += ',';
        const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, values[k]);
        line_.append(buf, ec == std::errc() ? end : buf);
    }
    line_ += '\n';
    out_ << line_;
}

void CsvWaveformStream::end() {
    if (!out_.is_open()) return;
    out_.close();
    if (out_.fail()) throw std::runtime_error("cannot finish writing " + files_.back());
}

} // namespace spinspice
