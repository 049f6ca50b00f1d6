/** The WCAG 2 relative luminance of an sRGB colour written as # and six hex digits. */
function luminance(hex: string): number {
  const channel = (at: number) => {
    const value = parseInt(hex.slice(at, at + 2), 16) / 255;
    return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** The contrast ratio of white text on this colour (1 to 21), as WCAG 2 defines it. */
export const contrastWithWhite = (hex: string): number => 1.05 / (luminance(hex) + 0.05);

/** WCAG 2 AA for normal text: the hosted pages put white text on the primary colour (their buttons). */
export const minimumContrast = 4.5;
