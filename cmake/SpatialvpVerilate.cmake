# spatialvp_add_verilated_plugin(<name>
#     SOURCES <C++ sources: the module wrapping the RTL and its SPATIALVP_PLUGIN_REGISTER>
#     VERILOG <Verilog/SystemVerilog files> TOP_MODULE <top> [PREFIX <class, default V<top>>]
#     [VERILATOR_ARGS <extra verilator arguments>])
# Turns a Verilog block into a spatialvp plug-in: a MODULE library lib<name>.so holding the
# Verilated model (C++ output, no SystemC clock: see models/rtl/rtl_clocked_target.h) and the
# wrapper, linked to the platform library and built as C++17 like the SDK. It uses Verilator's
# own verilate() from its CMake package (Debian package `verilator`).
# spatialvp_add_verilated_model(<target> ...) adds a Verilated model to an existing target (a
# test, say) with the same arguments except SOURCES.
function(_spatialvp_verilate target)
  cmake_parse_arguments(ARG "" "TOP_MODULE;PREFIX" "VERILOG;VERILATOR_ARGS" ${ARGN})
  if(NOT ARG_TOP_MODULE OR NOT ARG_VERILOG)
    message(FATAL_ERROR "spatialvp: TOP_MODULE and VERILOG are required")
  endif()
  if(NOT ARG_PREFIX)
    set(ARG_PREFIX V${ARG_TOP_MODULE})
  endif()
  find_package(verilator REQUIRED HINTS $ENV{VERILATOR_ROOT} /usr/share/verilator)
  find_package(Threads REQUIRED)
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/${target}_verilated)
  verilate(${target} SOURCES ${ARG_VERILOG} TOP_MODULE ${ARG_TOP_MODULE} PREFIX ${ARG_PREFIX}
           DIRECTORY ${dir} VERILATOR_ARGS -Wall ${ARG_VERILATOR_ARGS})
  # Verilator's runtime and generated headers as system headers: the wrapper's warnings stay ours.
  target_include_directories(${target} SYSTEM PRIVATE ${VERILATOR_ROOT}/include
                                                      ${VERILATOR_ROOT}/include/vltstd ${dir})
  target_link_libraries(${target} PRIVATE Threads::Threads)
  # Generated code and Verilator's runtime build without the project's warning flags.
  get_target_property(sources ${target} SOURCES)
  foreach(source IN LISTS sources)
    if(source MATCHES "^(${dir}|${VERILATOR_ROOT})/")
      set_source_files_properties(${source} PROPERTIES COMPILE_OPTIONS -w)
    endif()
  endforeach()
endfunction()

function(spatialvp_add_verilated_model target)
  _spatialvp_verilate(${target} ${ARGN})
endfunction()

function(spatialvp_add_verilated_plugin name)
  cmake_parse_arguments(ARG "" "TOP_MODULE;PREFIX" "SOURCES;VERILOG;VERILATOR_ARGS" ${ARGN})
  add_library(${name} MODULE ${ARG_SOURCES})
  if(TARGET spatialvp::platform)
    target_link_libraries(${name} PRIVATE spatialvp::platform)
  else()
    target_link_libraries(${name} PRIVATE spatialvp)  # inside the spatialvp build
  endif()
  set_target_properties(${name} PROPERTIES PREFIX "lib" CXX_STANDARD 17 CXX_STANDARD_REQUIRED ON
                                           CXX_EXTENSIONS OFF POSITION_INDEPENDENT_CODE ON)
  _spatialvp_verilate(${name} TOP_MODULE ${ARG_TOP_MODULE} PREFIX "${ARG_PREFIX}"
                      VERILOG ${ARG_VERILOG} VERILATOR_ARGS ${ARG_VERILATOR_ARGS})
endfunction()
