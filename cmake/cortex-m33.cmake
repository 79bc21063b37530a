# Cortex-M33 (the RP2350 of the Pico 2 / Pico 2 W; QEMU's mps2-an505 test board).
set(HF_ARM_CPU cortex-m33)
include(${CMAKE_CURRENT_LIST_DIR}/arm-none-eabi.cmake)
