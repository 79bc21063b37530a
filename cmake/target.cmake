# On-target builds and tests: ports/cortexm built for each core with the cross toolchain, as a
# sub-build of this build, and its tests (label "target", run in QEMU) registered here so that
# `ctest -L target` in this build directory runs them.
#   cortex-m33    Cortex-M33 (RP2350)  on QEMU mps2-an505
#   cortex-m0plus Cortex-M0+ (RP2040)  on QEMU microbit (a Cortex-M0: the same ARMv6-M code)
find_program(HF_ARM_GCC arm-none-eabi-gcc)
find_program(HF_QEMU qemu-system-arm)
set(hf_target_missing "")
if(NOT HF_ARM_GCC)
  string(APPEND hf_target_missing " gcc-arm-none-eabi")
else()
  execute_process(COMMAND ${HF_ARM_GCC} -mcpu=cortex-m0plus -mthumb --specs=nano.specs
                  -print-file-name=libc_nano.a OUTPUT_VARIABLE hf_libc OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT IS_ABSOLUTE "${hf_libc}")
    string(APPEND hf_target_missing " libnewlib-arm-none-eabi")
  endif()
endif()
if(NOT HF_QEMU)
  string(APPEND hf_target_missing " qemu-system-arm")
endif()
if(hf_target_missing)
  message(WARNING "On-target tests (ctest -L target) are not built: missing Debian packages"
                  "${hf_target_missing}. tools/bootstrap installs them; or configure with "
                  "-DHF_TARGET=OFF to silence this.")
  return()
endif()

include(ExternalProject)
set(hf_target_tests ${CMAKE_BINARY_DIR}/target-tests.cmake)
file(WRITE ${hf_target_tests} "# Generated: the on-target tests of the Cortex-M sub-builds.\n")
foreach(pair "m33;mps2-an505" "m0plus;microbit")
  list(GET pair 0 core)
  list(GET pair 1 board)
  set(dir ${CMAKE_BINARY_DIR}/cortex-${core})
  ExternalProject_Add(cortex-${core}
    SOURCE_DIR ${CMAKE_SOURCE_DIR}/ports/cortexm
    BINARY_DIR ${dir}
    CMAKE_ARGS -DCMAKE_TOOLCHAIN_FILE=${CMAKE_SOURCE_DIR}/cmake/cortex-${core}.cmake
               -DHF_CM_BOARD=${board} -DCMAKE_BUILD_TYPE=MinSizeRel
    BUILD_ALWAYS ON
    INSTALL_COMMAND ""
    LOG_CONFIGURE ON
    LOG_OUTPUT_ON_FAILURE ON)
  file(APPEND ${hf_target_tests} "if(EXISTS \"${dir}/CTestTestfile.cmake\")\n"
                                 "  subdirs(\"${dir}\")\nendif()\n")
endforeach()
set_property(DIRECTORY ${CMAKE_SOURCE_DIR} APPEND PROPERTY TEST_INCLUDE_FILES ${hf_target_tests})

# The footprint report: text/data/bss per module, sizeof of the public objects, the RAM of
# press-to-alert, for both cores.
find_package(Python3 COMPONENTS Interpreter REQUIRED)
add_custom_target(footprint
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/footprint
          ${CMAKE_BINARY_DIR}/cortex-m33 ${CMAKE_BINARY_DIR}/cortex-m0plus
  DEPENDS cortex-m33 cortex-m0plus
  USES_TERMINAL)
