// Keeps the library non-empty until the first algorithm lands.
namespace spatialvp::workloads {
int libraryAbiVersion() { return 1; }
}  // namespace spatialvp::workloads
