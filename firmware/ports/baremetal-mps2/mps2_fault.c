/* Fault reporting: HardFault, MemManage, BusFault, UsageFault, NMI and unexpected interrupts all
 * land here (on the handler stack, so a thread-stack overflow can still be reported). The report
 * is a FAULT frame of the serial protocol (agent_report_fault) followed by a plain-text line;
 * then the CPU waits for the host to reset it (the QEMU runner restarts the emulator). */
#include <stdio.h>
#include <string.h>

#include "agent.h"
#include "mps2_an385.h"
#include "mps2_port.h"

void mps2_fault_entry(void);
__attribute__((used, noreturn)) void mps2_fault_report(const uint32_t *frame, uint32_t exc_return);

extern uint32_t __stack_bottom[], __stack_top[], __msp_bottom[], __msp_top[];

/* Picks the stack the exception frame was pushed on (EXC_RETURN bit 2: 1 = PSP) and hands it to
 * the C reporter together with EXC_RETURN. */
__attribute__((naked)) void mps2_fault_entry(void)
{
    __asm volatile(
        "tst lr, #4\n\t"
        "ite eq\n\t"
        "mrseq r0, msp\n\t"
        "mrsne r0, psp\n\t"
        "mov r1, lr\n\t"
        "b mps2_fault_report\n\t");
}

static const char *exception_name(uint32_t ipsr, uint32_t cfsr, uint32_t hfsr)
{
    switch (ipsr) {
    case 2:
        return "NMI";
    case 3:
        return (hfsr & HFSR_FORCED) ? "HardFault (escalated)" : "HardFault";
    case 4:
        return (cfsr & CFSR_MSTKERR) ? "MemManage (stack overflow)" : "MemManage";
    case 5:
        return "BusFault";
    case 6:
        if (cfsr & (1u << 25)) {
            return "UsageFault (divide by zero)";
        }
        if (cfsr & (1u << 16)) {
            return "UsageFault (undefined instruction)";
        }
        if (cfsr & (1u << 17)) {
            return "UsageFault (invalid state)";
        }
        return "UsageFault";
    default:
        return "unexpected interrupt";
    }
}

static bool frame_readable(const uint32_t *frame)
{
    uintptr_t p = (uintptr_t)frame;
    return (p >= (uintptr_t)__stack_bottom && p + 32u <= (uintptr_t)__stack_top) ||
           (p >= (uintptr_t)__msp_bottom && p + 32u <= (uintptr_t)__msp_top);
}

void mps2_fault_report(const uint32_t *frame, uint32_t exc_return)
{
    __asm volatile("cpsid i" ::: "memory");
    uint32_t ipsr;
    __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
    ipsr &= 0x1FFu;
    uint32_t cfsr = SCB_CFSR;
    uint32_t hfsr = SCB_HFSR;
    uint32_t mmfar = SCB_MMFAR;
    uint32_t bfar = SCB_BFAR;
    bool stacked = frame_readable(frame) && !(cfsr & (CFSR_MSTKERR | CFSR_STKERR));

    agent_fault_t fault;
    memset(&fault, 0, sizeof(fault));
    fault.reason = exception_name(ipsr, cfsr, hfsr);
    size_t n = 0;
#define ADD_REG(reg_name, reg_value)                                                           \
    do {                                                                                       \
        fault.regs[n].name = (reg_name);                                                       \
        fault.regs[n].value = (reg_value);                                                     \
        n++;                                                                                   \
    } while (0)
    if (stacked) {
        ADD_REG("pc", frame[6]);
        ADD_REG("lr", frame[5]);
        ADD_REG("xpsr", frame[7]);
    }
    ADD_REG("cfsr", cfsr);
    ADD_REG("hfsr", hfsr);
    if (cfsr & CFSR_MMARVALID) {
        ADD_REG("mmfar", mmfar);
    }
    if (cfsr & CFSR_BFARVALID) {
        ADD_REG("bfar", bfar);
    }
    ADD_REG("exc_return", exc_return);
    ADD_REG("ipsr", ipsr);
    ADD_REG("sp", (uint32_t)(uintptr_t)frame);
    ADD_REG("stack_hwm", (uint32_t)mps2_stack_high_water());
#undef ADD_REG
    fault.reg_count = n;

    /* Finish any byte in flight, then the frame, then a line for people reading the console. */
    agent_report_fault(&fault);
    char line[200];
    int len = snprintf(line, sizeof(line),
                       "\r\nFAULT: %s pc=0x%08lx lr=0x%08lx xpsr=0x%08lx cfsr=0x%08lx hfsr=0x%08lx"
                       " -- waiting for reset\r\n",
                       fault.reason, stacked ? (unsigned long)frame[6] : 0ul,
                       stacked ? (unsigned long)frame[5] : 0ul, stacked ? (unsigned long)frame[7] : 0ul,
                       (unsigned long)cfsr, (unsigned long)hfsr);
    if (len > 0) {
        (void)mps2_uart_write((const uint8_t *)line, (size_t)len < sizeof(line) ? (size_t)len : sizeof(line) - 1);
    }
    for (;;) {
        __asm volatile("wfi");
    }
}
