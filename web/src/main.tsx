import { createRoot } from 'react-dom/client';
import { App } from './app';
import { locale } from './i18n';
import './styles.css';

document.documentElement.lang = locale();
createRoot(document.getElementById('root') as HTMLElement).render(<App />);
