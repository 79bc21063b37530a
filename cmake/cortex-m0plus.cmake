# Cortex-M0+ (the RP2040 of the Pico / Pico W; ARMv6-M, no atomic read-modify-write).
set(HF_ARM_CPU cortex-m0plus)
include(${CMAKE_CURRENT_LIST_DIR}/arm-none-eabi.cmake)
