#include "cli/mpi_launch.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace spinspice {
namespace {

int environmentCount(std::initializer_list<const char*> names) {
    for (const char* name : names)
        if (const char* value = std::getenv(name)) {
            char* end = nullptr;
            const long n = std::strtol(value, &end, 10);
            if (end != value && n >= 1 && n <= 1 << 20) return static_cast<int>(n);
        }
    return 1;
}

} // namespace

int MpiLaunch::launchedRanks() {
    return environmentCount({"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"});
}

int MpiLaunch::localRanks() {
    return environmentCount({"OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS"});
}

bool MpiLaunch::start(int* argc, char*** argv) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    const fs::path dir = ec ? fs::path(".") : exe.parent_path();
    std::string tried;
    for (const fs::path& candidate : {dir / "libspinspice_mpi.so", dir / ".." / "lib" / "libspinspice_mpi.so"}) {
        tried += (tried.empty() ? "" : ", ") + candidate.string();
        handle_ = dlopen(candidate.c_str(), RTLD_NOW | RTLD_GLOBAL); // MPI's own plugins need its symbols
        if (handle_) break;
        if (fs::exists(candidate, ec)) {
            error_ = std::string("cannot load ") + candidate.string() + ": " + dlerror();
            return false;
        }
    }
    if (!handle_) {
        error_ = "started by mpirun with " + std::to_string(launchedRanks()) +
                 " ranks, but this spinspice was built without MPI (no " + tried +
                 "): install libopenmpi-dev and rebuild, or run it without mpirun";
        return false;
    }
    using Start = TaskDistribution* (*)(int*, char***);
    const auto startFn = reinterpret_cast<Start>(dlsym(handle_, "spinspice_mpi_start"));
    stop_ = reinterpret_cast<void (*)(TaskDistribution*)>(dlsym(handle_, "spinspice_mpi_stop"));
    if (!startFn || !stop_) {
        error_ = "libspinspice_mpi.so lacks spinspice_mpi_start/stop (a different version?): rebuild it";
        return false;
    }
    distribution_ = startFn(argc, argv);
    return distribution_ != nullptr;
}

MpiLaunch::~MpiLaunch() {
    if (distribution_ && stop_) stop_(distribution_);
    // The module stays loaded: MPI may have registered exit handlers in it.
}

} // namespace spinspice
