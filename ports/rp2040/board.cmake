# The bare-metal RP2040 board: real GPIO and the TIMER instead of RAM pins and SysTick; no QEMU
# (its images run on a Pico from a RAM UF2, and in the rp2040js emulator: tests/e2e).
set(HF_BOARD_SOURCES ${CMAKE_CURRENT_LIST_DIR}/board.c ${CMAKE_CURRENT_LIST_DIR}/gpio.c
    ${CMAKE_CURRENT_LIST_DIR}/timer.c)
set(HF_BOARD_LINK ${CMAKE_CURRENT_LIST_DIR}/link.ld)
set(HF_BOARD_QEMU OFF)
set(HF_BOARD_UF2 ON)
