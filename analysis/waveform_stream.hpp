// Transient rows written to disk as they are accepted, so that a long run holds in memory only the
// signals its `.meas`, `.print`, `.spectrum` and `.four` cards read (bounded memory; CLI `--stream`).
//
// A stream sees every transient of a run: begin() with the analysis name ("tran1") and its column
// names (time first), one row() per output point, end() when the analysis stops (also when it fails or
// is interrupted: the file then holds the points computed so far).
#pragma once

#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace spinspice {

class WaveformStream {
public:
    virtual ~WaveformStream() = default;
    virtual void begin(const std::string& analysis, const std::vector<std::string>& names) = 0;
    virtual void row(const std::vector<double>& values) = 0;
    virtual void end() = 0;
};

// CSV, in the layout of writeCsv (analysis/csv_writer.hpp) without step columns: one file per streamed
// transient, exactly `path` when the run streams one, otherwise named as csvFilePaths names them
// ("out.tran1.csv", "out.tran1.step2.csv"; the first file is renamed when a second transient starts).
// Throws std::runtime_error when a file cannot be written.
class CsvWaveformStream : public WaveformStream {
public:
    explicit CsvWaveformStream(std::string path);
    ~CsvWaveformStream() override;
    void begin(const std::string& analysis, const std::vector<std::string>& names) override;
    void row(const std::vector<double>& values) override;
    void end() override;
    // The files written so far, in run order.
    const std::vector<std::string>& files() const { return files_; }

private:
    std::string fileName(const std::string& analysis, int repeat) const;
    std::string path_;
    std::ofstream out_;
    std::string line_;
    std::vector<std::string> files_;
    std::vector<std::pair<std::string, int>> analyses_; // (name, repeat) of every file, in order
    std::map<std::string, int> repeats_;
};

} // namespace spinspice
