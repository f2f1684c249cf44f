# CMake toolchain file for bare-metal Cortex-M builds with Debian's arm-none-eabi-gcc and newlib.
# Usage: cmake -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-arm-none-eabi.cmake ...
# PALTLS_CPU_FLAGS selects the core (default: Cortex-M3, Thumb-2, no FPU: QEMU mps2-an385).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(PALTLS_TOOLCHAIN_PREFIX "arm-none-eabi-" CACHE STRING "Cross toolchain prefix")
find_program(CMAKE_C_COMPILER "${PALTLS_TOOLCHAIN_PREFIX}gcc" REQUIRED)
find_program(CMAKE_ASM_COMPILER "${PALTLS_TOOLCHAIN_PREFIX}gcc" REQUIRED)
find_program(CMAKE_OBJCOPY "${PALTLS_TOOLCHAIN_PREFIX}objcopy")
find_program(CMAKE_SIZE "${PALTLS_TOOLCHAIN_PREFIX}size")
find_program(CMAKE_NM "${PALTLS_TOOLCHAIN_PREFIX}nm")

# A bare-metal compiler cannot link a test executable without our start-up code and linker script.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(PALTLS_CPU_FLAGS "-mcpu=cortex-m3 -mthumb -mfloat-abi=soft" CACHE STRING "CPU selection flags")
set(CMAKE_C_FLAGS_INIT "${PALTLS_CPU_FLAGS} -ffunction-sections -fdata-sections")
set(CMAKE_ASM_FLAGS_INIT "${PALTLS_CPU_FLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${PALTLS_CPU_FLAGS} -Wl,--gc-sections")

# Look for programs on the host, libraries and headers only in the target environment.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)

# GNU ld archive groups for $<LINK_GROUP:RESCAN,...> (static libraries that reference each other);
# CMake only predefines this feature for hosted platforms.
set(CMAKE_C_LINK_GROUP_USING_RESCAN "LINKER:--start-group" "LINKER:--end-group")
set(CMAKE_C_LINK_GROUP_USING_RESCAN_SUPPORTED TRUE)
