// The flat circuit as the solver sees it: devices, unknowns (index 0 = ground), the sparsity pattern
// built once, and the load loop. Built by analysis/build_circuit from a FlatCircuit, or by hand.
#pragma once

#include "core/name_index.hpp"
#include "devices/device.hpp"
#include "devices/pattern.hpp"
#include "solver/options.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace spinspice {

struct UnknownInfo {
    std::string name; // node name ("out", "x1.n3") or branch/internal name ("v1", "d1#a")
    Nature nature = Nature::Voltage;
    bool output = true;                 // written to the waveforms by default (internal nodes are not)
    bool isNode = true;                 // a circuit node (shown as v(name)) rather than a branch current (i(name))
    double abstol = 0;                  // Nature::State only: its absolute tolerance
    double initial = 0;                 // Nature::State only: its value in DC analyses and at the start of a transient
    DcBehaviour dc = DcBehaviour::Held; // Nature::State only: held at `initial` or relaxed in DC analyses
    bool truncationControl = true;      // Nature::State only: false for stochastic states (step bound instead)

    // The output name: v(node), i(branch) or the state's own name.
    std::string label() const {
        if (nature == Nature::State) return name;
        return (isNode ? "v(" : "i(") + name + ")";
    }
};

class Circuit : private SetupContext, private DeviceLookup {
public:
    explicit Circuit(SimOptions options = {});
    ~Circuit() override;
    Circuit(const Circuit&) = delete;
    Circuit& operator=(const Circuit&) = delete;

    // Add a device (before finalize). Throws InputError on a duplicate name.
    Device& add(std::unique_ptr<Device> device);
    // Room for `devices` devices and about as many nodes (a large netlist then does not rehash).
    void reserve(std::size_t devices);
    // Sets up (numbers the unknowns of) the devices added since the last call, in order: a netlist's
    // devices can then drop what they only needed for it (node names) as they are built.
    void setUpAdded();
    // setup (of the devices not set up yet) -> resolve -> declare -> build pattern -> bind. Call once.
    void finalize();

    int size() const { return static_cast<int>(unknowns_.size()) - 1; }
    const std::vector<UnknownInfo>& unknowns() const { return unknowns_; }
    const PatternBuilder& pattern() const { return pattern_; }
    const SimOptions& options() const { return options_; }
    const DeviceEnvironment& environment() const override { return environment_; }
    const std::vector<std::unique_ptr<Device>>& devices() const { return devices_; }
    // From the devices' declared traits (Device::traits):
    bool linear() const { return linear_; }             // every device is linear
    bool chordAllowed() const { return chordAllowed_; } // every nonlinear device allows chord iterations
    bool hasCharge() const { return hasCharge_; }       // some device has charges
    bool stochastic() const { return stochastic_; }     // some device draws random numbers
    bool hasRelaxedStates() const { return relaxedStates_; }
    // The devices that asked for the step hooks in setup (SetupContext::acceptSteps ...).
    const std::vector<Device*>& acceptingDevices() const { return accepting_; }
    const std::vector<Device*>& eventLocatingDevices() const { return locating_; }
    const std::vector<Device*>& projectingDevices() const { return projecting_; }
    const std::vector<Device*>& ownAdmittanceDevices() const { return ownAdmittance_; }
    bool hasOwnAdmittance(const Device* d) const;

    int findNode(const std::string& name) const;  // -1 if absent; 0 for ground
    int findState(const std::string& name) const; // a Nature::State unknown by name, -1 if absent
    // A state's value in DC analyses and at the start of a transient (Session::setState).
    void setInitial(int state, double value) { unknowns_.at(static_cast<std::size_t>(state)).initial = value; }
    std::vector<std::string> stateNames() const override;
    Device* findDevice(const std::string& name) const;
    std::vector<std::string> nodeNames() const;
    std::vector<std::string> names() const override; // device names

    // Floating nodes (no DC path to ground) and loops of voltage-defined branches. Throws InputError
    // naming the nodes/elements. `dc`: also check DC paths (an operating point will be solved).
    void checkTopology(bool dc) const;

    // One evaluation of every device into `out` (buffers must be zeroed by the caller); with
    // skipOwnAdmittance, the devices that supply their own .ac admittance are left out.
    void load(const EvalContext& ctx, LoadBuffers& out, bool skipOwnAdmittance = false) const;
    // The devices whose loads never change (Device::timeInvariant) and the others, each in device order.
    const std::vector<Device*>& invariantDevices() const { return invariant_; }
    const std::vector<Device*>& varyingDevices() const { return varying_; }
    // The Jacobian offsets that linear devices change at their events (Device::jacobianVariation),
    // sorted, without repeats.
    const std::vector<int>& eventJacobianOffsets() const { return eventOffsets_; }
    static void loadDevices(const std::vector<Device*>& devices, const EvalContext& ctx, LoadBuffers& out);
    // Every device forgets what earlier analyses accepted (Device::restart).
    void restart() const;

    std::vector<std::string> warnings;

private:
    int node(const std::string& name) override;
    int branch(const std::string& name) override;
    int internalNode(const std::string& name) override;
    int state(const StateSpec& spec) override;
    void acceptSteps() override { accepting_.push_back(settingUp_); }
    void locateEvents() override { locating_.push_back(settingUp_); }
    void projectStates() override { projecting_.push_back(settingUp_); }
    void ownAdmittance() override { ownAdmittance_.push_back(settingUp_); }
    Device* find(const std::string& name) const override { return findDevice(name); }
    int state(const std::string& name) const override { return findState(name); }

    SimOptions options_;
    DeviceEnvironment environment_;
    std::vector<std::unique_ptr<Device>> devices_;
    std::vector<UnknownInfo> unknowns_;
    // Device names to devices_ indices; node and state names to unknowns (names kept by their owners).
    NameIndex deviceIndex_, nodeIndex_, stateIndex_;
    std::string_view deviceName(int i) const;
    std::string_view unknownName(int i) const { return unknowns_[static_cast<std::size_t>(i)].name; }
    PatternBuilder pattern_;
    bool finalized_ = false;
    std::size_t setUp_ = 0; // devices_[0, setUp_) are set up
    bool linear_ = true, chordAllowed_ = false, hasCharge_ = false, stochastic_ = false, relaxedStates_ = false;
    Device* settingUp_ = nullptr; // the device in setup(), for the hook requests
    std::vector<Device*> accepting_, locating_, projecting_, ownAdmittance_;
    std::vector<Device*> withoutOwnAdmittance_; // in device order
    std::vector<Device*> invariant_, varying_;
    std::vector<int> eventOffsets_;
};

} // namespace spinspice
