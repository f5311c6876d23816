export { classifierStep, countCorrect } from "./classifier";
