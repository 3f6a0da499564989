// libspinspice_mpi.so: the CLI's task distribution over MPI ranks (`mpirun -n R spinspice deck.cir`).
// A module the CLI opens only when it runs under mpirun, so that a plain run neither loads nor needs
// MPI (OpenMPI adds its libraries' loading to every process start otherwise).
#include "analysis/run_netlist.hpp"

#include <mpi.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>

namespace {

class MpiDistribution final : public spinspice::TaskDistribution {
public:
    MpiDistribution(int* argc, char*** argv) {
        int initialised = 0;
        MPI_Initialized(&initialised);
        if (!initialised) MPI_Init(argc, argv);
        MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
        MPI_Comm_size(MPI_COMM_WORLD, &size_);
    }
    ~MpiDistribution() override {
        int finalised = 0;
        MPI_Finalized(&finalised);
        if (!finalised) MPI_Finalize();
    }
    int rank() const override { return rank_; }
    int size() const override { return size_; }

    // Point to point, in rank order: a length, then the bytes in pieces under MPI's int count limit.
    std::vector<std::string> gather(const std::string& mine) override {
        constexpr int kTag = 7001;
        constexpr std::size_t kPiece = std::size_t{1} << 30;
        std::vector<std::string> out;
        if (rank_ != 0) {
            std::uint64_t length = mine.size();
            MPI_Send(&length, 1, MPI_UINT64_T, 0, kTag, MPI_COMM_WORLD);
            for (std::size_t at = 0; at < mine.size(); at += kPiece)
                MPI_Send(mine.data() + at, static_cast<int>(std::min(kPiece, mine.size() - at)), MPI_BYTE, 0, kTag,
                         MPI_COMM_WORLD);
            return out;
        }
        for (int r = 1; r < size_; ++r) {
            std::uint64_t length = 0;
            MPI_Recv(&length, 1, MPI_UINT64_T, r, kTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            std::string bytes(static_cast<std::size_t>(length), '\0');
            for (std::size_t at = 0; at < bytes.size(); at += kPiece)
                MPI_Recv(bytes.data() + at, static_cast<int>(std::min(kPiece, bytes.size() - at)), MPI_BYTE, r, kTag,
                         MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            out.push_back(std::move(bytes));
        }
        return out;
    }

private:
    int rank_ = 0, size_ = 1;
};

} // namespace

// The CLI's entry points (dlsym): start MPI and return the distribution (owned by the caller, which
// deletes it through spinspice_mpi_stop to finalise MPI).
extern "C" spinspice::TaskDistribution* spinspice_mpi_start(int* argc, char*** argv) {
    return new MpiDistribution(argc, argv);
}

extern "C" void spinspice_mpi_stop(spinspice::TaskDistribution* distribution) {
    delete distribution;
}
