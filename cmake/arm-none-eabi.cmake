# Cross toolchain for Cortex-M with Debian's arm-none-eabi-gcc and newlib (nano).
# Included by cortex-m33.cmake and cortex-m0plus.cmake, which set HF_ARM_CPU first.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

find_program(HF_ARM_GCC arm-none-eabi-gcc)
if(NOT HF_ARM_GCC)
  message(FATAL_ERROR "arm-none-eabi-gcc not found: run tools/bootstrap "
                      "(installs gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm)")
endif()
set(CMAKE_C_COMPILER ${HF_ARM_GCC})
set(CMAKE_ASM_COMPILER ${HF_ARM_GCC})
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(HF_ARM_FLAGS "-mcpu=${HF_ARM_CPU} -mthumb -mfloat-abi=soft")
set(CMAKE_C_FLAGS_INIT "${HF_ARM_FLAGS} -ffunction-sections -fdata-sections")
set(CMAKE_ASM_FLAGS_INIT "${HF_ARM_FLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "${HF_ARM_FLAGS} -nostartfiles --specs=nano.specs --specs=nosys.specs -Wl,--gc-sections")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
