// Running under mpirun: the CLI opens libspinspice_mpi.so (cli/mpi_distribution.cpp) and splits the
// run's .step points and Monte-Carlo samples over the ranks; rank 0 gathers and writes the output.
#pragma once

#include "analysis/run_netlist.hpp"

#include <string>

namespace spinspice {

class MpiLaunch {
public:
    MpiLaunch() = default;
    MpiLaunch(const MpiLaunch&) = delete;
    MpiLaunch& operator=(const MpiLaunch&) = delete;
    ~MpiLaunch(); // finalises MPI

    // The ranks mpirun (OpenMPI) or mpiexec (MPICH's hydra) started, from their environment; 1 outside.
    static int launchedRanks();
    // The ranks on this machine (for the default thread count), 1 when unknown.
    static int localRanks();

    // Opens the MPI module next to the executable (or in ../lib) and initialises MPI. False with
    // error() set when the module is missing or unusable.
    bool start(int* argc, char*** argv);
    const std::string& error() const { return error_; }
    TaskDistribution* distribution() const { return distribution_; }

private:
    void* handle_ = nullptr;
    TaskDistribution* distribution_ = nullptr;
    void (*stop_)(TaskDistribution*) = nullptr;
    std::string error_;
};

} // namespace spinspice
