# `cmake --install`: the platform library (versioned soname) and the workloads library it needs,
# the public plug-in headers, the CLI, the shipped configs and presets, a CMake package
# (find_package(spatialvp) -> spatialvp::platform) and a pkg-config file (spatialvp.pc).
include(CMakePackageConfigHelpers)

# 0.x: every minor release may break the ABI, so the soname carries major.minor.
set(SPATIALVP_SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
set_target_properties(spatialvp PROPERTIES VERSION ${PROJECT_VERSION} SOVERSION ${SPATIALVP_SOVERSION}
                                           EXPORT_NAME platform INSTALL_RPATH "$ORIGIN")
set_target_properties(spatialvp_workloads PROPERTIES VERSION ${PROJECT_VERSION}
                      SOVERSION ${SPATIALVP_SOVERSION} EXPORT_NAME workloads)
file(RELATIVE_PATH SPATIALVP_BIN_TO_LIB ${CMAKE_INSTALL_FULL_BINDIR} ${CMAKE_INSTALL_FULL_LIBDIR})
set_target_properties(spatialvp_cli PROPERTIES INSTALL_RPATH "$ORIGIN/${SPATIALVP_BIN_TO_LIB}")
set(SPATIALVP_INSTALL_PLUGINDIR ${CMAKE_INSTALL_LIBDIR}/spatialvp/plugins)
set(SPATIALVP_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/spatialvp)

install(TARGETS spatialvp spatialvp_workloads EXPORT spatialvpTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS spatialvp_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Public headers: what a plug-in needs (module base, registry, parameter schema, stats, burst
# transfer, the ABI handshake, the STAR stage-job interface and the RTL co-simulation base) and
# the headers they include. None includes yaml-cpp, nlohmann JSON or Boost; the install test
# (test/sdk) checks that every include of an installed header resolves inside the install.
set(SPATIALVP_PUBLIC_HEADERS
  platform/core/config_error.h
  platform/core/config_node.h
  platform/core/contention_timeline.h
  platform/core/histogram.h
  platform/core/module_stats.h
  platform/core/param_choice.h
  platform/core/param_schema.h
  platform/core/param_values.h
  platform/core/trace_writer.h
  platform/core/units.h
  platform/sim/burst_transfer.h
  platform/sim/fault_source.h
  platform/sim/job_transaction.h
  platform/sim/kernel_time.h
  platform/sim/address_window.h
  platform/sim/memory_facts.h
  platform/sim/module.h
  platform/sim/module_registry.h
  platform/sim/module_type.h
  platform/sim/platform_view.h
  platform/sim/plugin_abi.h
  platform/sim/simulation_services.h
  platform/sim/trace_flow.h
  models/rtl/rtl_clocked_target.h
  models/spatial_star/spatial_plan.h
  models/spatial_star/spatial_star_core.h
  models/spatial_star/spatial_star_core_work.h
  models/star/functional_tile.h
  models/star/stage_job.h
  models/star/star_controller.h
  models/star/star_unit_timing.h
  models/star/tile_pipeline.h
  models/wafer_moe/die_job.h
  workloads/attention/attention_workload.h
  workloads/baselines/a100_eager.h
  workloads/baselines/a100_model.h
  workloads/baselines/a100_params.h
  workloads/moe/hardware_spec.h
  workloads/star/complexity_model.h
  workloads/star/dlzs.h
  workloads/star/matrix.h
  workloads/star/on_demand_kv.h
  workloads/star/op_counts.h
  workloads/star/sads.h
  workloads/star/star_pipeline.h
  workloads/star/su_fa.h
  workloads/star/synthetic_workload.h
  workloads/star/tiling_planner.h)
foreach(header IN LISTS SPATIALVP_PUBLIC_HEADERS)
  get_filename_component(dir ${header} DIRECTORY)
  install(FILES ${header} DESTINATION ${SPATIALVP_INSTALL_INCLUDEDIR}/${dir})
endforeach()
install(FILES ${PROJECT_BINARY_DIR}/include/platform/sdk_version.h
        DESTINATION ${SPATIALVP_INSTALL_INCLUDEDIR}/platform)

# Shipped configs and presets: the installed CLI finds them next to its library.
install(DIRECTORY platform/configs/ DESTINATION ${CMAKE_INSTALL_DATADIR}/spatialvp/configs
        FILES_MATCHING PATTERN "*.yaml")
# `spatialvp plot` runs its installed copy (latency-curve needs the source tree's mesh tool).
install(PROGRAMS scripts/plot DESTINATION ${CMAKE_INSTALL_DATADIR}/spatialvp/scripts)
install(FILES LICENSE README.md docs/VENDOR_IP.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# CMake package.
install(EXPORT spatialvpTargets NAMESPACE spatialvp:: DESTINATION ${SPATIALVP_INSTALL_CMAKEDIR})
configure_package_config_file(cmake/spatialvpConfig.cmake.in
  ${PROJECT_BINARY_DIR}/spatialvpConfig.cmake INSTALL_DESTINATION ${SPATIALVP_INSTALL_CMAKEDIR}
  PATH_VARS SPATIALVP_INSTALL_PLUGINDIR)
# Plug-ins must match the SDK version exactly (the ABI record checks it at load time).
write_basic_package_version_file(${PROJECT_BINARY_DIR}/spatialvpConfigVersion.cmake
  COMPATIBILITY ExactVersion)
install(FILES ${PROJECT_BINARY_DIR}/spatialvpConfig.cmake
              ${PROJECT_BINARY_DIR}/spatialvpConfigVersion.cmake
              cmake/SpatialvpVerilate.cmake
        DESTINATION ${SPATIALVP_INSTALL_CMAKEDIR})

# pkg-config; relocatable (the prefix is found from the .pc file's own folder).
file(RELATIVE_PATH SPATIALVP_PC_TO_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" SPATIALVP_PC_TO_PREFIX "${SPATIALVP_PC_TO_PREFIX}")
configure_file(cmake/spatialvp.pc.in ${PROJECT_BINARY_DIR}/spatialvp.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/spatialvp.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
