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
  add_test(NAME target.tools-missing
           COMMAND sh -c "echo 'missing Debian packages:${hf_target_missing} (tools/bootstrap installs them)'; exit 1")
  set_tests_properties(target.tools-missing PROPERTIES LABELS "target;footprint")
  return()
endif()

include(ExternalProject)
find_package(Python3 COMPONENTS Interpreter REQUIRED)
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

# The bare-metal RP2040 images (ports/rp2040) and the virtual Pico: every shipped scenario of
# every example the board builds runs in the rp2040js emulator (tests/e2e), label "e2e".
set(hf_rp ${CMAKE_BINARY_DIR}/rp2040)
ExternalProject_Add(rp2040
  SOURCE_DIR ${CMAKE_SOURCE_DIR}/ports/cortexm
  BINARY_DIR ${hf_rp}
  CMAKE_ARGS -DCMAKE_TOOLCHAIN_FILE=${CMAKE_SOURCE_DIR}/cmake/cortex-m0plus.cmake
             -DHF_CM_BOARD=rp2040 -DCMAKE_BUILD_TYPE=MinSizeRel
  BUILD_ALWAYS ON
  INSTALL_COMMAND ""
  LOG_CONFIGURE ON
  LOG_OUTPUT_ON_FAILURE ON)
find_program(HF_NODE node)
set(hf_e2e ${CMAKE_SOURCE_DIR}/tests/e2e)
if(NOT HF_NODE OR NOT EXISTS ${hf_e2e}/node_modules/rp2040js/package.json)
  message(WARNING "The virtual Pico tests (ctest -L e2e) cannot run: they need Node.js "
                  "and tests/e2e/node_modules (tools/bootstrap installs both: npm ci).")
  add_test(NAME e2e.tools-missing
           COMMAND sh -c "echo 'missing: Node.js or tests/e2e/node_modules (tools/bootstrap installs both)'; exit 1")
  set_tests_properties(e2e.tools-missing PROPERTIES LABELS "e2e;bench")
else()
  include(${CMAKE_SOURCE_DIR}/cmake/examples.cmake)
  hf_board_examples()
  foreach(prog IN LISTS HF_BOARD_EXAMPLES)
    list(GET HF_EXAMPLE_SOURCES_${prog} 0 src)
    get_filename_component(dir ${src} DIRECTORY)
    file(GLOB scenarios ${dir}/scenarios/*.scn)
    foreach(scn IN LISTS scenarios)
      get_filename_component(stem ${scn} NAME_WE)
      add_test(NAME e2e.${prog}.${stem}
               COMMAND ${Python3_EXECUTABLE} ${hf_e2e}/run_e2e.py ${HF_NODE} ${hf_e2e}/harness.mjs
                       ${hf_rp}/${prog}.bin ${scn})
      set_tests_properties(e2e.${prog}.${stem} PROPERTIES LABELS e2e TIMEOUT 600)
    endforeach()
  endforeach()
  # The edge/level race swept over the bounce spacing, press and release, against the host.
  add_test(NAME e2e.press-to-alert.bounce-sweep
           COMMAND ${Python3_EXECUTABLE} ${hf_e2e}/sweep.py ${HF_NODE} ${hf_e2e}/harness.mjs
                   ${hf_rp}/press-to-alert.bin $<TARGET_FILE:press-to-alert>)
  set_tests_properties(e2e.press-to-alert.bounce-sweep PROPERTIES LABELS e2e TIMEOUT 600)
  # Edges on a pin of each IO_BANK0 register, alone and at one instant.
  add_test(NAME e2e.rp2040.gpio-banks
           COMMAND ${Python3_EXECUTABLE} ${hf_e2e}/gpio_banks.py ${HF_NODE} ${hf_e2e}/harness.mjs
                   ${hf_rp}/e2e_gpio_banks.bin)
  set_tests_properties(e2e.rp2040.gpio-banks PROPERTIES LABELS e2e TIMEOUT 300)
  # bench/onchip.py reaches its marks on every image: the QEMU boards and the RP2040.
  add_test(NAME bench.onchip
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/bench/onchip.py ${CMAKE_BINARY_DIR})
  set_tests_properties(bench.onchip PROPERTIES LABELS bench TIMEOUT 300)
endif()

# The footprint report: text/data/bss per module, the parts against their budgets, what each
# example links, sizeof of the public objects, the RAM of press-to-alert, for both cores.
set(hf_footprint ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/footprint)
set(hf_cm_builds ${CMAKE_BINARY_DIR}/cortex-m33 ${CMAKE_BINARY_DIR}/cortex-m0plus)
add_custom_target(footprint
  COMMAND ${hf_footprint} ${hf_cm_builds}
  DEPENDS cortex-m33 cortex-m0plus
  USES_TERMINAL)
# Every part of the library within its text budget on both cores (label "footprint"), and the
# check itself shown to fail, naming the part, when a part is over (a budget of 1 KB for the
# handoff).
add_test(NAME footprint.budgets COMMAND ${hf_footprint} --check ${hf_cm_builds})
add_test(NAME footprint.over-budget-caught
         COMMAND sh -c "out=$(\"$0\" \"$1\" --check --budget handoff=1024 \"$2\" \"$3\" 2>&1 >/dev/null); rc=$?; echo \"$out\"; [ $rc -eq 1 ] && echo \"$out\" | grep -q '^tools/footprint: handoff (isr.c, loop.c, print.c): [0-9]* B of text on the cortex-m33, over its budget of 1024 B$'"
                 ${hf_footprint} ${hf_cm_builds})
set_tests_properties(footprint.budgets footprint.over-budget-caught PROPERTIES LABELS footprint)
